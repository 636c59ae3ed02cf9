import { MAX_SUBJECT_LENGTH, parseScope } from '@liveline/protocol';
import { errors, jwtVerify } from 'jose';
import {
  CLOCK_TOLERANCE_S,
  MAX_TOKEN_LIFETIME_S,
  TOKEN_AUDIENCE,
  tokenExpired,
  type Identity,
  type VerifyToken,
} from './createAuth.js';
import type { VerifiedTokens } from './createVerifiedTokens.js';

/** Plain words for a jose failure; never the token itself. */
const whyInvalid = (error: unknown): string => {
  if (error instanceof errors.JWTExpired) return 'token expired';
  if (error instanceof errors.JWTClaimValidationFailed)
    return error.claim === 'nbf'
      ? 'token not valid yet (nbf)'
      : error.claim === 'aud'
        ? `token audience is not "${TOKEN_AUDIENCE}"`
        : `token claim ${error.claim} is missing or invalid`;
  if (error instanceof errors.JOSEAlgNotAllowed) return 'token algorithm is not HS256';
  // The only one a token whose alg is allowed can reach: a `crit` name jose does not know (the
  // name is not quoted, as nothing of the token is).
  if (error instanceof errors.JOSENotSupported)
    return 'token requires a header extension (crit) this server does not support';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  return 'token is malformed';
};

/**
 * Verifies HS256 Liveline tokens signed with `secret` (rule A2). The only module of the server
 * that imports `jose` to verify: the server loads it only when a secret turns auth on.
 */
export function createTokenVerifier(
  secret: string,
  now: () => number,
  /** Where verified tokens are remembered; auth (A7) and the HTTP rate limit (L7) read them. */
  remembered: VerifiedTokens,
): VerifyToken {
  // The key is imported once (TOOLCHAIN: a CryptoKey, not raw bytes per verification).
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  // Auth looks a token up among the remembered before the failure limiter (rule A7), and asks
  // for a verification only when it is not there.
  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, await key, {
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
      // jose tolerates the skew on `exp` too; a token is expired from its `exp` on every path.
      if (tokenExpired(identity, now())) return 'token expired';
      // The issuer's clock may be ahead, as for nbf.
      if (identity.expiresAt - now() > (MAX_TOKEN_LIFETIME_S + CLOCK_TOLERANCE_S) * 1000)
        return `token exp is more than ${MAX_TOKEN_LIFETIME_S / 86_400} days ahead; mint a shorter-lived one`;
      remembered.remember(token, identity);
      return identity;
    } catch (error) {
      return whyInvalid(error);
    }
  };
}
