import { describe, expect, it } from 'vitest';
import { createInboundGuard } from './createInboundGuard.js';

describe('createInboundGuard', () => {
  it('E2 more than 5 bad messages within 10 s are too many; older ones no longer count', () => {
    let now = 0;
    const guard = createInboundGuard({ ratePerSecond: 1, burst: 1, maxBadMessages: 5 }, () => now);
    const badAt = (times: number[]) => times.map((t) => ((now = t), guard.recordBad()));
    expect(badAt([0, 1000, 2000, 3000, 4000])).toEqual([false, false, false, false, false]);
    // 10 s after the first, it has left the window: this is the fifth within it, not the sixth.
    expect(badAt([10_000])).toEqual([false]);
    expect(badAt([10_999])).toEqual([true]);
  });
});
