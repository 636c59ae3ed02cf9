import type { WorkflowEvent } from '@liveline/protocol';

/**
 * When an event happened: its `at`, or a created run's creation time. The client delivers event
 * types it does not know (PROTOCOL.md E3), and those may carry neither, or no `data` at all.
 */
const timeOf = (event: WorkflowEvent): string => {
  const data = event.data as { at?: unknown; workflow?: { created_at?: unknown } } | undefined;
  const ms = data?.at ?? data?.workflow?.created_at;
  return typeof ms === 'number' ? new Date(ms).toLocaleTimeString('en-GB', { hour12: false }) : '';
};

/** "stage · 40% · reason", whichever of them the event carries. */
const detailOf = (data: object): string =>
  [
    'stage' in data ? data.stage : null,
    'progress' in data && typeof data.progress === 'number' ? `${data.progress}%` : null,
    'reason' in data ? data.reason : null,
  ]
    .filter((p): p is string => typeof p === 'string')
    .join(' · ');

/** The run's ordered events as they arrived, by seq, continuing the snapshot at `since`. */
export function RunEventLog({
  events,
  recovered,
  since,
}: {
  readonly events: readonly WorkflowEvent[];
  /** False when a reconnect could not resume and a fresh snapshot replaced what was shown. */
  readonly recovered: boolean;
  readonly since: number | null;
}) {
  return (
    <details className="event-log-wrap" open>
      <summary>
        Events <span className="muted">({events.length})</span>
      </summary>
      {!recovered && (
        <p className="muted">
          History was lost on a reconnect; events continue from a fresh snapshot.
        </p>
      )}
      {since !== null && (
        <p className="muted event-log__from">
          Live from the snapshot at #{since}; later events follow.
        </p>
      )}
      <ol className="event-log" aria-label="Run events">
        {events.map((event) => (
          <li key={event.seq} data-seq={event.seq}>
            <span className="mono muted">#{event.seq}</span>
            <span className="mono">{event.type}</span>
            <span className="muted">
              {timeOf(event)} {detailOf((event.data as object | undefined) ?? {})}
            </span>
          </li>
        ))}
      </ol>
    </details>
  );
}
