import type { IncomingMessage } from 'node:http';
import {
  DEFAULT_BOARD_ID,
  MAX_SUBJECT_LENGTH,
  PUBLIC,
  isAllowed,
  parseScope,
  type ErrorCode,
  type Grant,
  type Permission,
} from '@liveline/protocol';
import { errors, jwtVerify } from 'jose';
import type { Logger } from '../log/createLogger.js';
import { loggableUrl } from '../log/loggableUrl.js';
import { createFailureLimiter } from './createFailureLimiter.js';
import { readToken } from './readToken.js';
import { createVerifiedTokens } from './createVerifiedTokens.js';

/** The audience every Liveline token names (rule A2). */
export const TOKEN_AUDIENCE = 'liveline';
/** Clock skew tolerated on `exp` and `nbf`, in seconds (rule A2). */
export const CLOCK_TOLERANCE_S = 30;
/** The shortest secret that turns auth on, in bytes (rule A1). */
export const MIN_SECRET_BYTES = 32;

/** Who a verified token says the caller is, and what it may do. */
export interface Identity {
  readonly id: string;
  readonly name: string | null;
  readonly grants: readonly Grant[];
  /** When the token expires, epoch ms. */
  readonly expiresAt: number;
}

/** Why a request is refused; `closeCode` is what a browser gets after an accepted upgrade. */
export interface AuthRefusal {
  readonly status: 400 | 401 | 403 | 429;
  readonly closeCode: 4401 | 4403 | 4429 | null;
  readonly code: ErrorCode;
  readonly message: string;
  readonly headers: Record<string, string>;
}

/** An identity (null when auth is off or the route is public), or a refusal. */
export type AuthResult =
  | { readonly ok: true; readonly identity: Identity | null }
  | { readonly ok: false; readonly refusal: AuthRefusal };

/** Verifies tokens and checks permissions for the HTTP API and the upgrade, in one place. */
export interface Auth {
  readonly on: boolean;
  /** Checks a request against a route's permission on `target` (rules A2, A3, A5, A7). */
  check(
    req: IncomingMessage,
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

/** Plain words for a jose failure; never the token itself. */
const whyInvalid = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return error.claim === 'nbf'
      ? 'token not valid yet (nbf)'
      : error.claim === 'aud'
        ? `token audience is not "${TOKEN_AUDIENCE}"`
        : `token claim ${error.claim} is missing or invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported)
    return 'token algorithm is not HS256';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  return 'token is malformed';
};

/** Creates the auth checks; with `secret` null auth is off and only query tokens are refused. */
export function createAuth(
  secret: string | null,
  log: Logger,
  now: () => number,
  /** The client's address, through trusted proxies (rule L6): the limiter counts clients. */
  clientAddress: (req: IncomingMessage) => string,
): Auth {
  const limiter = createFailureLimiter(now);
  const remembered = createVerifiedTokens(now, CLOCK_TOLERANCE_S * 1000);
  // The key is imported once (TOOLCHAIN: a CryptoKey, not raw bytes per verification).
  const key =
    secret === null
      ? null
      : crypto.subtle.importKey(
          'raw',
          new TextEncoder().encode(secret),
          { name: 'HMAC', hash: 'SHA-256' },
          false,
          ['verify'],
        );

  const refuse = (req: IncomingMessage, refusal: AuthRefusal): AuthResult => {
    log.warn('auth.refused', {
      path: loggableUrl(req.url ?? ''),
      ip: clientAddress(req),
      status: refusal.status,
      reason: refusal.message,
    });
    return { ok: false, refusal };
  };

  const verify = async (token: string): Promise<Identity | string> => {
    const known = remembered.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, await (key as NonNullable<typeof key>), {
        algorithms: ['HS256'],
        audience: TOKEN_AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE_S,
        requiredClaims: ['sub', 'exp'],
        currentDate: new Date(now()),
      });
      // Events name the caller by `sub` (rule B1): it must be an id, not a document.
      if (
        typeof payload.sub !== 'string' ||
        !payload.sub ||
        payload.sub.length > MAX_SUBJECT_LENGTH
      )
        return `token claim sub is empty or longer than ${MAX_SUBJECT_LENGTH} characters`;
      const identity: Identity = {
        id: payload.sub,
        name: typeof payload.name === 'string' ? payload.name.slice(0, 100) : null,
        grants: parseScope(payload.scope),
        expiresAt: Number(payload.exp) * 1000,
      };
      remembered.remember(token, identity);
      return identity;
    } catch (error) {
      return whyInvalid(error);
    }
  };

  return {
    on: key !== null,
    async check(req, permission, target) {
      const source = readToken(req);
      if (source.kind === 'query')
        return refuse(req, {
          status: 400,
          closeCode: null,
          code: 'invalid_field',
          message: `a token in the query (${source.name}) is refused; send it as Authorization: Bearer or the liveline.auth.<token> subprotocol`,
          headers: {},
        });
      if (key === null || permission === PUBLIC) return { ok: true, identity: null };
      const ip = clientAddress(req);
      const wait = limiter.retryAfter(ip);
      if (wait > 0)
        return refuse(req, {
          status: 429,
          closeCode: 4429,
          code: 'rate_limited',
          message: `too many failed authentications from ${ip}; retry in ${wait} s`,
          headers: { 'Retry-After': String(wait) },
        });
      if (source.kind === 'none') return refuse(req, unauthorized('token missing'));
      const identity = await verify(source.token);
      if (typeof identity === 'string') {
        limiter.fail(ip);
        return refuse(req, unauthorized(identity));
      }
      if (!isAllowed(identity.grants, permission.resource, target, permission.action))
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
