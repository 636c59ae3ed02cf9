import { createHmac } from 'node:crypto';

/** The secret the auth-on Liveline peer verifies with (a bench constant, not a real secret). */
export const BENCH_AUTH_SECRET = 'liveline-bench-auth-secret-32-bytes-long';

const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * An HS256 token for `sub` with every grant a bench client needs, valid for an hour, for the
 * auth-on peers. Signed with Node's HMAC: any standard signer works (PROTOCOL.md A2).
 */
export function benchToken(sub: string, nowMs = Date.now()): string {
  const claims = {
    sub,
    aud: 'liveline',
    exp: Math.floor(nowMs / 1000) + 3600,
    scope: 'board:*:write transport:*:control monitor:*:read workflow:*:read',
  };
  const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${body}.${createHmac('sha256', BENCH_AUTH_SECRET).update(body).digest('base64url')}`;
}
