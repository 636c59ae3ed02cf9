import type { Workflow } from '@liveline/protocol';
import { Link } from './Link';

/** The recent runs list, linking each run by id; why the list could not be loaded, if it could not. */
export function RecentRuns({
  runs,
  current,
  error,
}: {
  readonly runs: readonly Workflow[];
  readonly current: string | null;
  /** The last fetch's failure; the runs shown are then those from before it, if any. */
  readonly error: string | null;
}) {
  return (
    <section className="panel" aria-label="Recent runs">
      <h2>Recent runs</h2>
      {error !== null && (
        <p role="alert" className="form-error">
          The list of runs could not be loaded: {error}
        </p>
      )}
      {runs.length === 0 ? (
        // An empty list the server did not send says nothing about whether there are runs.
        error === null && <p className="muted">No runs yet.</p>
      ) : (
        <ul className="runs">
          {runs.map((run) => (
            <li key={run.id}>
              <Link
                href={`/idea2video?run=${encodeURIComponent(run.id)}`}
                aria-current={run.id === current}
              >
                <span className="runs__title">{run.title || run.input.slice(0, 60)}</span>
                <span className={`pill pill--${run.status}`}>{run.status}</span>
              </Link>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
