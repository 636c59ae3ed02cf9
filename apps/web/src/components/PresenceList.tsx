import type { Presence } from '@liveline/protocol';

/** Who is on the board; this page's own entry says "(you)". */
export function PresenceList({
  presence,
  self,
}: {
  readonly presence: readonly Presence[];
  readonly self: string | null;
}) {
  return (
    <ul className="presence" aria-label="Who is here">
      {presence.map((p) => (
        <li key={p.client_id} className="avatar">
          <span className="avatar__initial" aria-hidden="true">
            {p.name.slice(0, 1).toUpperCase()}
          </span>
          {p.name}
          {p.client_id === self && <span className="muted"> (you)</span>}
        </li>
      ))}
    </ul>
  );
}
