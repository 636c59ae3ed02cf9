import { tokenExpired, type Identity } from './createAuth.js';

/** Verified tokens remembered at most; the least recently used is forgotten first. */
export const MAX_REMEMBERED_TOKENS = 4096;

/** Tokens already verified, so a reconnect or request with the same token skips the HMAC. */
export interface VerifiedTokens {
  /** What `token` was verified as, while it is unexpired (rule A2); otherwise undefined. */
  get(token: string): Identity | undefined;
  remember(token: string, identity: Identity): void;
}

/**
 * Remembers verified tokens (rule A2). A token's claims and signature are its own text, so the
 * same text always verifies the same way; only time changes the answer, and an entry is dropped
 * once the token is expired, leaving the verifier to name the expiry.
 */
export function createVerifiedTokens(now: () => number): VerifiedTokens {
  const verified = new Map<string, Identity>();
  return {
    get(token) {
      const identity = verified.get(token);
      if (identity === undefined) return undefined;
      verified.delete(token);
      if (tokenExpired(identity, now())) return undefined;
      verified.set(token, identity);
      return identity;
    },
    remember(token, identity) {
      verified.set(token, identity);
      if (verified.size > MAX_REMEMBERED_TOKENS) verified.delete(verified.keys().next().value!);
    },
  };
}
