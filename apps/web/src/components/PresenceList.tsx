import type { PresenceSummary } from '@liveline/protocol';

/** Who is on the board; this page's own entry says "(you)", and a long list says how many more. */
export function PresenceList({
  presence,
  self,
}: {
  readonly presence: PresenceSummary;
  readonly self: string | null;
}) {
  const more = presence.count - presence.people.length;
  return (
    <ul className="presence" aria-label="Who is here">
      {presence.people.map((p) => (
        <li key={p.client_id} className="avatar">
          <span className="avatar__initial" aria-hidden="true">
            {p.name.slice(0, 1).toUpperCase()}
          </span>
          {p.name}
          {p.client_id === self && <span className="muted"> (you)</span>}
        </li>
      ))}
      {more > 0 && <li className="muted">and {more} more</li>}
    </ul>
  );
}
