import { describe, expect, it } from 'vitest';
import { MAX_CLOSE_REASON_BYTES } from './closeCodes.js';
import { MIN_RESTART_SPREAD_MS, restartReason, restartSpreadMs } from './restartReason.js';

describe('restart reason (rule K4)', () => {
  it('round-trips the window a server asks for, in whole ms', () => {
    expect(restartSpreadMs(restartReason(5000))).toBe(5000);
    expect(restartSpreadMs(restartReason(2500.2))).toBe(2501);
  });

  it('never asks for less than the shortest window', () => {
    expect(restartSpreadMs(restartReason(0))).toBe(MIN_RESTART_SPREAD_MS);
  });

  it('reads no window from other reasons', () => {
    expect(restartSpreadMs('server restarting')).toBeNull();
    expect(restartSpreadMs('reconnect within soon ms')).toBeNull();
  });

  it('fits a close frame even for huge fleets', () => {
    expect(new TextEncoder().encode(restartReason(1e15)).length).toBeLessThanOrEqual(
      MAX_CLOSE_REASON_BYTES,
    );
  });
});
