import { overallConnection, type RouteConnection } from '../lib/routeConnection';
import { ConnectionIndicator } from './ConnectionIndicator';

/** The header's connection truth: an overall indicator, then one per live route of the page. */
export function ConnectionBar({
  connections,
}: {
  readonly connections: readonly RouteConnection[];
}) {
  const overall = overallConnection(connections);
  if (!overall) return <p className="connection-bar muted">No live connections</p>;
  return (
    <div className="connection-bar" aria-label="Connections">
      <ConnectionIndicator connection={overall} />
      <ul className="connection-bar__routes">
        {connections.map((c) => (
          <li key={c.key}>
            <ConnectionIndicator connection={c} compact />
          </li>
        ))}
      </ul>
    </div>
  );
}
