import type { RunEventLine } from '../stores/workflowRunState';

const time = (ms: number) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

/** The run's ordered events as they arrived, by seq. */
export function RunEventLog({
  events,
  resynced,
  snapshotSeq,
}: {
  readonly events: readonly RunEventLine[];
  readonly resynced: boolean;
  readonly snapshotSeq: number | null;
}) {
  return (
    <details className="event-log-wrap" open>
      <summary>
        Events <span className="muted">({events.length})</span>
      </summary>
      {resynced && (
        <p className="muted">
          History was lost on a reconnect; events continue from a fresh snapshot.
        </p>
      )}
      {snapshotSeq !== null && (
        <p className="muted event-log__from">
          Live from the snapshot at #{snapshotSeq}; later events follow.
        </p>
      )}
      <ol className="event-log" aria-label="Run events">
        {events.map((e) => (
          <li key={e.seq} data-seq={e.seq}>
            <span className="mono muted">#{e.seq}</span>
            <span className="mono">{e.type}</span>
            <span className="muted">
              {time(e.at)} {e.detail}
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
