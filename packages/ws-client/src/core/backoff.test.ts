import { describe, expect, it } from 'vitest';
import { seededRandom } from '../test-utils/fakeEnvironment.js';
import { backoff, DEFAULT_BACKOFF, nextRestartSlot, restartSchedule } from './backoff.js';

const perSecond = (times: number[]) => {
  const counts = new Map<number, number>();
  for (const t of times)
    counts.set(Math.floor(t / 1000), (counts.get(Math.floor(t / 1000)) ?? 0) + 1);
  const seconds = [...counts.keys()];
  const span = Math.max(...seconds) - Math.min(...seconds) + 1;
  return { max: Math.max(...counts.values()), average: times.length / span };
};

describe('backoff', () => {
  it('draws from [floor, min(cap, base·2^attempt)], capping before the jitter', () => {
    expect(backoff(0, () => 0)).toBe(DEFAULT_BACKOFF.floorMs);
    expect(backoff(0, () => 1)).toBe(1000);
    expect(backoff(3, () => 1)).toBe(8000);
    expect(backoff(30, () => 1)).toBe(DEFAULT_BACKOFF.capMs);
    // After the cap, delays still spread over the whole window instead of sitting at the cap.
    expect(backoff(30, () => 0.5)).toBe(250 + 0.5 * (10_000 - 250));
  });

  it('uses a fresh draw per attempt', () => {
    const random = seededRandom(7);
    const delays = Array.from({ length: 20 }, () => backoff(30, random));
    expect(new Set(delays).size).toBe(20);
  });

  it('spreads 1000 clients reconnecting after a 20 s server restart: no second above 2x the average', () => {
    const random = seededRandom(42);
    const reconnects: number[] = [];
    for (let client = 0; client < 1000; client++) {
      let at = 0;
      for (let attempt = 0; at < 20_000; attempt++) at += backoff(attempt, random);
      reconnects.push(at);
    }
    const { max, average } = perSecond(reconnects);
    expect(max).toBeLessThanOrEqual(2 * average);
  });

  it('keeps retry attempts of 1000 capped clients near the average rate (no lockstep)', () => {
    const random = seededRandom(3);
    const attempts: number[] = [];
    for (let client = 0; client < 1000; client++)
      for (let at = backoff(30, random); at < 60_000; at += backoff(30, random)) attempts.push(at);
    const { max, average } = perSecond(attempts.filter((t) => t >= 10_000));
    expect(max).toBeLessThanOrEqual(1.3 * average);
  });
});

describe('restart schedule (rule K4)', () => {
  it('takes the period the server asked for, within [baseMs, capMs], and the first window without one', () => {
    const period = (spreadMs: number | null) => restartSchedule(0, spreadMs, () => 0).periodMs;
    expect(period(null)).toBe(DEFAULT_BACKOFF.baseMs);
    expect(period(200)).toBe(DEFAULT_BACKOFF.baseMs);
    expect(period(4000)).toBe(4000);
    expect(period(60_000)).toBe(DEFAULT_BACKOFF.capMs);
  });

  it('starts at the floor plus a random phase within one period, and lasts restartMs from there', () => {
    expect(restartSchedule(100, 4000, () => 0.25)).toEqual({
      firstAt: 100 + 250 + 1000,
      periodMs: 4000,
      until: 100 + 250 + 1000 + DEFAULT_BACKOFF.restartMs,
    });
  });

  it('retries on the first slot at or after the earliest allowed time', () => {
    const schedule = { firstAt: 1000, periodMs: 500, until: 10_000 };
    expect(nextRestartSlot(schedule, 0)).toBe(1000);
    expect(nextRestartSlot(schedule, 1000)).toBe(1000);
    expect(nextRestartSlot(schedule, 1001)).toBe(1500);
    expect(nextRestartSlot(schedule, 2250)).toBe(2500);
  });
});
