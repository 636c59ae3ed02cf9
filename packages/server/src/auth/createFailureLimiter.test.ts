import { describe, expect, it } from 'vitest';
import { createFailureLimiter } from './createFailureLimiter.js';

describe('createFailureLimiter', () => {
  it('A7 after 10 failed verifications within 60 s an IP waits out the rest of the 60 s; other IPs do not', () => {
    let now = 0;
    const limiter = createFailureLimiter(() => now);
    for (let i = 0; i < 9; i += 1) limiter.fail('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
    now = 20_000;
    limiter.fail('10.0.0.1');
    expect(limiter.retryAfter('10.0.0.1')).toBe(40);
    expect(limiter.retryAfter('10.0.0.2')).toBe(0);
    now = 59_999;
    expect(limiter.retryAfter('10.0.0.1')).toBe(1);
    now = 60_000;
    expect(limiter.retryAfter('10.0.0.1')).toBe(0);
  });
});
