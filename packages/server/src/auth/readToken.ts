import type { IncomingMessage } from 'node:http';
import { AUTH_SUBPROTOCOL_PREFIX } from '@liveline/protocol';
/** Query parameters a token must never travel in (rule A3). */
export const QUERY_TOKEN_NAMES = ['token', 'access_token', 'jwt'] as const;

/** Where a request's token was found, if anywhere. */
export type TokenSource =
  | { readonly kind: 'none' }
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'query'; readonly name: string };

/**
 * The token of a request (rule A2): an offered `liveline.auth.<token>` subprotocol, else
 * `Authorization: Bearer <token>`. A token-named query parameter wins over both, to be refused.
 */
export function readToken(req: IncomingMessage): TokenSource {
  const target = req.url ?? '';
  const at = target.indexOf('?');
  if (at !== -1) {
    const query = new URLSearchParams(target.slice(at + 1));
    const name = QUERY_TOKEN_NAMES.find((n) => query.has(n));
    if (name) return { kind: 'query', name };
  }
  const offered = (req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .find((p) => p.startsWith(AUTH_SUBPROTOCOL_PREFIX));
  if (offered) return { kind: 'token', token: offered.slice(AUTH_SUBPROTOCOL_PREFIX.length) };
  const bearer = /^Bearer +(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return bearer?.[1] ? { kind: 'token', token: bearer[1] } : { kind: 'none' };
}
