import { describe, expect, it } from 'vitest';
import { CLOCK_SLEW_RATE, createServerClock } from './createServerClock.js';

/** A system clock and a monotonic clock the test moves: both advance together unless stepped. */
const fakeClocks = () => {
  const clocks = { wall: 1_700_000_000_000, monotonic: 1_000 };
  return {
    clocks,
    advance: (ms: number) => {
      clocks.wall += ms;
      clocks.monotonic += ms;
    },
    now: createServerClock(
      () => Math.floor(clocks.wall),
      () => clocks.monotonic,
    ),
  };
};

describe('the server clock', () => {
  it('TA2 reads the system clock and follows a step forward of it at once', () => {
    const { clocks, advance, now } = fakeClocks();
    expect(now()).toBe(clocks.wall);
    advance(100);
    clocks.wall += 2_000;
    expect(now()).toBe(clocks.wall);
  });

  it('TA2 takes up a step back of the system clock by running slow, never backwards, until it caught up', () => {
    const { clocks, advance, now } = fakeClocks();
    const before = now();
    clocks.wall -= 1_000;
    advance(1_000);
    const slowed = now();
    expect(slowed - before).toBeCloseTo(1_000 * (1 - CLOCK_SLEW_RATE), 6);
    const readings = [slowed];
    for (let s = 0; s < 1 / CLOCK_SLEW_RATE; s += 1) {
      advance(1_000);
      readings.push(now());
    }
    expect(readings.every((t, i) => i === 0 || t > (readings[i - 1] ?? 0))).toBe(true);
    expect(readings.at(-1)).toBe(clocks.wall);
    advance(1_000);
    expect(now()).toBe(clocks.wall);
  });
});
