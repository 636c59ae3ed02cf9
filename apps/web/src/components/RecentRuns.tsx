import type { Workflow } from '@liveline/protocol';
import { Link } from './Link';

/** The recent runs list, linking each run by id. */
export function RecentRuns({
  runs,
  current,
}: {
  readonly runs: readonly Workflow[];
  readonly current: string | null;
}) {
  return (
    <section className="panel" aria-label="Recent runs">
      <h2>Recent runs</h2>
      {runs.length === 0 ? (
        <p className="muted">No runs yet.</p>
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
