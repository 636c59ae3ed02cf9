import { isAllowed, parseScope, type Action, type Grant, type Resource } from '@liveline/protocol';

const TOKEN_KEY = 'liveline.token';
// An invite link's token the user has not answered about yet: the address bar no longer holds it.
const OFFERED_KEY = 'liveline.offered';

/**
 * What the page knows of its token: who it names and what it may do. Read, not verified: the
 * server checks every connection and request; this only decides what the UI offers.
 */
export interface Session {
  readonly token: string;
  /** The token's subject: whom the server attributes what it sends to (PROTOCOL.md B1). */
  readonly sub: string;
  /** The token's `name`, else its `sub`. */
  readonly name: string;
  readonly grants: readonly Grant[];
  /** When the token expires, epoch ms. */
  readonly expiresAt: number;
}

const decodePart = (part: string): unknown => {
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(
    new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))),
  ) as unknown;
};

/** The session a token describes, or null when it is not a JWT with `sub` and `exp`. */
export function sessionOf(token: string): Session | null {
  try {
    const claims = decodePart(token.split('.')[1] ?? '') as Record<string, unknown> | null;
    const { sub, name, exp, scope } = claims ?? {};
    if (typeof sub !== 'string' || typeof exp !== 'number') return null;
    return {
      token,
      sub,
      name: typeof name === 'string' && name ? name : sub,
      grants: parseScope(scope),
      expiresAt: exp * 1000,
    };
  } catch {
    return null;
  }
}

/** An invite link for another subject than the signed-in one, which the page asks about. */
export interface SwitchQuestion {
  /** The link's token, adopted only if the user agrees ({@link switchSession}). */
  readonly token: string;
  /** Whom the link signs in as, and who is signed in: by name, with the subject if the names are alike. */
  readonly offered: string;
  readonly current: string;
}

/**
 * Moves an invite link's `#token=` into sessionStorage and out of the address bar (and so out of
 * history and bookmarks). The fragment never reached a server. A link for another subject than
 * the signed-in one is not adopted: it is answered as a {@link SwitchQuestion} for the page to ask
 * (a link from someone else would otherwise sign the tab in as them, silently, and what it sends
 * next would be theirs, PROTOCOL.md B1); null when there is nothing to ask. A question not yet
 * answered ({@link switchSession}, {@link staySignedIn}) is asked again after a reload.
 */
export function adoptTokenFromUrl(now = Date.now()): SwitchQuestion | null {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const linked = fragment.get('token');
  const token = linked ?? sessionStorage.getItem(OFFERED_KEY);
  if (token === null) return null;
  sessionStorage.removeItem(OFFERED_KEY);
  const current = readSession();
  const offered = sessionOf(token);
  // Only a link opened now is adopted unasked: a token left unanswered was another subject's, and
  // a session that expired meanwhile does not make the user's answer yes.
  if (linked === null && (current === null || current.expiresAt <= now)) return null;
  // Names are whatever the link's maker chose: when they are the same, the subject tells them apart.
  const who = (s: Session) => (offered?.name === current?.name ? `${s.name} (${s.sub})` : s.name);
  let question: SwitchQuestion | null = null;
  if (current === null || current.expiresAt <= now || offered?.sub === current.sub)
    sessionStorage.setItem(TOKEN_KEY, token);
  // A token the page cannot read never replaces a valid session.
  else if (offered !== null) {
    question = { token, offered: who(offered), current: who(current) };
    sessionStorage.setItem(OFFERED_KEY, token);
  }
  if (linked === null) return question;
  fragment.delete('token');
  const rest = fragment.toString();
  const { pathname, search } = window.location;
  window.history.replaceState(
    window.history.state,
    '',
    `${pathname}${search}${rest && `#${rest}`}`,
  );
  return question;
}

/**
 * Signs the tab in with `token` (the user agreed to a {@link SwitchQuestion}) and reloads, so every
 * connection starts over with it and nothing this page holds is sent as the new subject (B1).
 */
export function switchSession(token: string, reload = () => window.location.reload()): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  staySignedIn();
  reload();
}

/** Forgets the {@link SwitchQuestion}'s token: the user stays signed in as they are. */
export function staySignedIn(): void {
  sessionStorage.removeItem(OFFERED_KEY);
}

/**
 * Calls `reload` whenever an invite link is opened in this page (its `#token=` in the fragment),
 * so every connection starts over with the new token, which the next page's start adopts
 * ({@link adoptTokenFromUrl}). Not adopted here: until it unloads, this page connects and asks
 * with the token it started with, so nothing it holds is sent as the new link's subject
 * (PROTOCOL.md B1). Answers the function that stops listening.
 */
export function reloadOnInviteLink(reload = () => window.location.reload()): () => void {
  const onHashChange = () => {
    if (new URLSearchParams(window.location.hash.slice(1)).has('token')) reload();
  };
  window.addEventListener('hashchange', onHashChange);
  return () => window.removeEventListener('hashchange', onHashChange);
}

/** The stored session, or null (no token: auth off, or not signed in). */
export function readSession(): Session | null {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token === null ? null : sessionOf(token);
}

/** The token for the next connection or request; null once it has expired (signed out). */
export function currentToken(now = Date.now()): string | null {
  const session = readSession();
  return session && session.expiresAt > now ? session.token : null;
}

/** Whether the session may do `action` on `resource` `target`; without a session auth is off. */
export const sessionAllows = (
  session: Session | null,
  resource: Resource,
  target: string,
  action: Action,
): boolean => session === null || isAllowed(session.grants, resource, target, action);
