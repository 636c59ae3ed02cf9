import { describe, expect, it } from 'vitest';
import type { Identity } from './createAuth.js';
import { MAX_REMEMBERED_TOKENS, createVerifiedTokens } from './createVerifiedTokens.js';

const identity = (id: string, expiresAt: number): Identity => ({
  id,
  name: null,
  grants: [],
  expiresAt,
});

describe('verified tokens', () => {
  it('A2 a remembered token answers its identity until its exp, then is forgotten', () => {
    let t = 1_000_000;
    const tokens = createVerifiedTokens(() => t);
    const alice = identity('alice', t + 60_000);
    expect(tokens.get('a.b.c')).toBeUndefined();
    tokens.remember('a.b.c', alice);
    expect(tokens.get('a.b.c')).toBe(alice);
    expect(tokens.get('a.b.x')).toBeUndefined();
    t += 60_000 - 1;
    expect(tokens.get('a.b.c')).toBe(alice);
    t += 1;
    expect(tokens.get('a.b.c')).toBeUndefined();
    t -= 1;
    expect(tokens.get('a.b.c')).toBeUndefined();
  });

  it(`A2 at most ${MAX_REMEMBERED_TOKENS} tokens are remembered; the least recently used is forgotten first`, () => {
    const tokens = createVerifiedTokens(() => 0);
    for (let i = 0; i < MAX_REMEMBERED_TOKENS; i++)
      tokens.remember(`t${i}`, identity(`u${i}`, 1e12));
    expect(tokens.get('t0')?.id).toBe('u0');
    tokens.remember('newest', identity('n', 1e12));
    expect(tokens.get('t1')).toBeUndefined();
    expect(tokens.get('t0')?.id).toBe('u0');
    expect(tokens.get('t2')?.id).toBe('u2');
    expect(tokens.get('newest')?.id).toBe('n');
  });
});
