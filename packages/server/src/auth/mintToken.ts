import { SignJWT } from 'jose';
import { TOKEN_AUDIENCE } from './createAuth.js';

/** The claims a minted token carries (rule A9). */
export interface TokenClaims {
  readonly sub: string;
  readonly scope: string;
  readonly name?: string;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
}

/** Signs an HS256 Liveline token (rule A9); `nowMs` is the issue time. */
export function mintToken(
  secret: string,
  claims: TokenClaims,
  nowMs = Date.now(),
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({
    scope: claims.scope,
    ...(claims.name !== undefined && { name: claims.name }),
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setAudience(TOKEN_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + claims.ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
