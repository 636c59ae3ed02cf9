import { useNow } from '../hooks/useNow';
import {
  canRetry,
  describeConnection,
  queuedText,
  type RouteConnection,
} from '../lib/routeConnection';

/** Props of {@link ConnectionIndicator}. */
export interface ConnectionIndicatorProps {
  readonly connection: RouteConnection;
  /** Overrides the connection's own label, e.g. "All connections". */
  readonly label?: string;
  /** Compact header chip (true) or a full line with the queued count (false). @default false */
  readonly compact?: boolean;
}

/** One route's truth: 🟢 connected, 🟡 connecting, 🟠 reconnecting and ⚪ offline (with "Retry now"), 🔴 stopped. */
export function ConnectionIndicator({
  connection,
  label,
  compact = false,
}: ConnectionIndicatorProps) {
  const now = useNow(connection.phase === 'reconnecting');
  const { tone, emoji, text } = describeConnection(connection, now);
  const name = label ?? connection.label;
  const queued = queuedText(connection.queued);
  return (
    <div
      className={`indicator indicator--${tone}${compact ? ' indicator--compact' : ''}`}
      data-phase={connection.phase}
      data-route={connection.key}
    >
      <span role="status" aria-label={`${name} connection`} className="indicator__status">
        <span aria-hidden="true" className="indicator__dot">
          {emoji}
        </span>
        <span className="indicator__name">{name}</span>
        <span className="indicator__text">{text}</span>
        {queued && <span className="indicator__queued">{queued}</span>}
      </span>
      {canRetry(connection) && (
        <button
          type="button"
          className="button button--small"
          aria-label={`Retry ${name} now`}
          onClick={connection.retry}
        >
          {connection.phase === 'closed' ? 'Reconnect' : 'Retry now'}
        </button>
      )}
    </div>
  );
}
