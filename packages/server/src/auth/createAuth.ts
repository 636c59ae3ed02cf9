import type { IncomingMessage } from 'node:http';
import {
  DEFAULT_BOARD_ID,
  PUBLIC,
  isAllowed,
  type ErrorCode,
  type Grant,
  type Permission,
} from '@liveline/protocol';
import { addressKey } from './addressKey.js';
import type { Logger } from '../log/createLogger.js';
import { loggableUrl } from '../log/loggableUrl.js';
import { createFailureLimiter } from './createFailureLimiter.js';
import type { TokenSource } from './readToken.js';
import type { VerifiedTokens } from './createVerifiedTokens.js';

/** The audience every Liveline token names (rule A2). */
export const TOKEN_AUDIENCE = 'liveline';
/**
 * Clock skew tolerated on `nbf`, in seconds (rule A2): a fresh token from an issuer whose clock is
 * ahead is not refused as not yet valid. `exp` gets none ({@link tokenExpired}).
 */
export const CLOCK_TOLERANCE_S = 30;
/**
 * How far ahead of now a token's `exp` may be, in seconds: 30 days (rule A2). Nothing revokes a
 * token before its `exp` but a new secret; docs/decisions.md says why 30.
 */
export const MAX_TOKEN_LIFETIME_S = 30 * 86_400;
/** The shortest secret that turns auth on, in bytes (rule A1). */
export const MIN_SECRET_BYTES = 32;

/** Who a verified token says the caller is, and what it may do. */
export interface Identity {
  readonly id: string;
  readonly name: string | null;
  readonly grants: readonly Grant[];
  /** The token's `exp`, epoch ms: from then on it is expired ({@link tokenExpired}). */
  readonly expiresAt: number;
}

/**
 * Whether a token is expired at `now` (epoch ms): from its `exp` on, with no skew tolerance. The one
 * definition the HTTP API, the upgrade and an open socket's timer apply (rules A2, A7, A8; why in
 * docs/decisions.md).
 */
export const tokenExpired = (identity: Identity, now: number): boolean => now >= identity.expiresAt;

/** Why a request is refused; `closeCode` is what a browser gets after an accepted upgrade. */
export interface AuthRefusal {
  readonly status: 400 | 401 | 403 | 429;
  readonly closeCode: 4401 | 4403 | 4429 | null;
  readonly code: ErrorCode;
  readonly message: string;
  readonly headers: Record<string, string>;
}

/** What a token verifies as: its identity, or in plain words why it is refused (rule A2). */
export type VerifyToken = (token: string) => Promise<Identity | string>;

/** An identity (null when auth is off, or a public route was given no token), or a refusal. */
export type AuthResult =
  | { readonly ok: true; readonly identity: Identity | null }
  | { readonly ok: false; readonly refusal: AuthRefusal };

/** Verifies tokens and checks permissions for the HTTP API and the upgrade, in one place. */
export interface Auth {
  readonly on: boolean;
  /**
   * Checks a request against a route's permission on `target` (rules A2, A3, A5, A7). `token` is
   * the request's token as its caller read it (readToken.ts), once for everything that uses it.
   */
  check(
    req: IncomingMessage,
    token: TokenSource,
    permission: Permission | typeof PUBLIC,
    target: string,
  ): Promise<AuthResult>;
}

/** The target a route's permission names, from its path parameters and query. */
export const permissionTarget = (
  permission: Permission | typeof PUBLIC,
  params: Readonly<Record<string, string>>,
  query: URLSearchParams,
): string =>
  permission === PUBLIC || permission.target === '*'
    ? '*'
    : permission.target === 'id'
      ? (params.id ?? '*')
      : (query.get('board_id') ?? DEFAULT_BOARD_ID);

const unauthorized = (message: string): AuthRefusal => ({
  status: 401,
  closeCode: 4401,
  code: 'unauthorized',
  message,
  headers: { 'WWW-Authenticate': `Bearer realm="liveline", error="invalid_token"` },
});

/**
 * Creates the auth checks; with `verify` null auth is off and only query tokens are refused. The
 * verifier is made by createTokenVerifier.ts, loaded only when a secret is set (it imports `jose`).
 */
export function createAuth(
  verify: VerifyToken | null,
  log: Logger,
  now: () => number,
  /**
   * The client's address, through trusted proxies (rule L6): the limiter counts clients, an IPv6
   * one by its /64 (addressKey.ts).
   */
  clientAddress: (req: IncomingMessage) => string,
  /** The tokens `verify` verified and remembers (rule A2): they pass a blocked address (A7). */
  verified: VerifiedTokens,
): Auth {
  const limiter = createFailureLimiter(now);

  const refuse = (req: IncomingMessage, refusal: AuthRefusal): AuthResult => {
    log.warn('auth.refused', {
      path: loggableUrl(req.url ?? ''),
      ip: clientAddress(req),
      status: refusal.status,
      reason: refusal.message,
    });
    return { ok: false, refusal };
  };

  /**
   * A token not known as verified: the failure limiter answers before any verification, so its
   * `429` tells nothing of whether the token is valid (rule A7).
   */
  const verifyUnknown = async (
    req: IncomingMessage,
    source: TokenSource,
    verifyToken: VerifyToken,
  ): Promise<Identity | AuthRefusal> => {
    // An IPv6 host owns a /64: counted by it, it cannot rotate through its addresses for more tries.
    const client = addressKey(clientAddress(req));
    const wait = limiter.retryAfter(client);
    if (wait > 0)
      return {
        status: 429,
        closeCode: 4429,
        code: 'rate_limited',
        message: `too many failed authentications from ${client}; retry in ${wait} s`,
        headers: { 'Retry-After': String(wait) },
      };
    if (source.kind !== 'token') return unauthorized('token missing');
    const identity = await verifyToken(source.token);
    if (typeof identity !== 'string') return identity;
    limiter.fail(client);
    return unauthorized(identity);
  };

  return {
    on: verify !== null,
    async check(req, source, permission, target) {
      if (source.kind === 'query')
        return refuse(req, {
          status: 400,
          closeCode: null,
          code: 'invalid_field',
          message: `a token in the query (${source.name}) is refused; send it as Authorization: Bearer or the liveline.auth.<token> subprotocol`,
          headers: {},
        });
      // A public route needs no token, but one it is given is verified as anywhere (it may let the
      // caller read more: `/health`'s error texts, S2).
      const anonymous = permission === PUBLIC && source.kind === 'none';
      if (verify === null || anonymous) return { ok: true, identity: null };
      // A token already verified and unexpired passes a blocked address: ten bad tokens from one
      // NAT must not sign out everyone behind it (A7).
      const identity =
        (source.kind === 'token' ? verified.get(source.token) : undefined) ??
        (await verifyUnknown(req, source, verify));
      if ('status' in identity) return refuse(req, identity);
      if (
        permission !== PUBLIC &&
        !isAllowed(identity.grants, permission.resource, target, permission.action)
      )
        return refuse(req, {
          status: 403,
          closeCode: 4403,
          code: 'forbidden',
          message: `token lacks ${permission.resource}:${target}:${permission.action}`,
          headers: {},
        });
      return { ok: true, identity };
    },
  };
}
