import { describe, expect, it } from 'vitest';
import { extrapolatePosition } from './extrapolatePosition.js';
import type { ClockState } from './transport.js';

const tick: ClockState = {
  playing: true,
  time_seconds: 4,
  sample_pos: 176_400,
  bpm: 120,
  beat_pos: 8,
  loop_enabled: false,
  loop_start_seconds: 0,
  loop_end_seconds: 10,
  timestamp_ms: 1_000_000,
};

describe('playhead extrapolation', () => {
  it('C2 advances in real time from the tick while playing', () => {
    expect(extrapolatePosition(tick, 1_000_500)).toBeCloseTo(4.5);
  });

  it('C2 holds still while stopped and never moves backwards before the tick', () => {
    expect(extrapolatePosition({ ...tick, playing: false }, 1_009_000)).toBe(4);
    expect(extrapolatePosition(tick, 999_000)).toBe(4);
  });

  it('C2 wraps inside an enabled loop', () => {
    const looped = { ...tick, loop_enabled: true, loop_start_seconds: 2, loop_end_seconds: 6 };
    expect(extrapolatePosition(looped, 1_001_900)).toBeCloseTo(5.9);
    expect(extrapolatePosition(looped, 1_002_000)).toBeCloseTo(2);
    expect(extrapolatePosition(looped, 1_002_100)).toBeCloseTo(2.1);
    expect(extrapolatePosition(looped, 1_003_000)).toBeCloseTo(3);
  });
});
