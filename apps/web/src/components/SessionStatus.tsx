import type { RouteConnection } from '../lib/routeConnection';
import { useSessionStore } from '../stores/sessionStore';

/** Who is signed in; once a connection signed out, how to get back in (PROTOCOL.md A10). */
export function SessionStatus({
  connections,
}: {
  readonly connections: readonly RouteConnection[];
}) {
  const session = useSessionStore((s) => s.session);
  if (connections.some((c) => c.signedOut) && !session)
    return (
      <div className="callout session session--out" role="alert">
        <strong>Invite link needed.</strong> This server lets in only people with an invite link,
        and this page has none. Ask whoever runs this server for one (they make it with{' '}
        <code>pnpm run token --sub you --scope "…" --link {window.location.origin}</code>).
      </div>
    );
  if (connections.some((c) => c.signedOut))
    return (
      <div className="callout session session--out" role="alert">
        <strong>Signed out.</strong> Your access token expired or was refused, so nothing
        reconnects. To get back in, open a new invite link from whoever runs this server (they make
        one with <code>pnpm run token --sub you --scope "…" --link {window.location.origin}</code>
        ).
      </div>
    );
  if (!session) return null;
  return (
    <p className="session" aria-label="Signed in">
      Signed in as <strong>{session.name}</strong>
    </p>
  );
}
