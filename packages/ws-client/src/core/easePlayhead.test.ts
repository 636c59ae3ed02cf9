import { describe, expect, it } from 'vitest';
import { easePlayhead } from './easePlayhead.js';

const FRAME_S = 1 / 60;

describe('easePlayhead', () => {
  it('C2 starts at the clock position and follows it exactly while paused', () => {
    expect(easePlayhead(null, 4, FRAME_S, true)).toBe(4);
    expect(easePlayhead(4, 2, FRAME_S, false)).toBe(2);
  });

  it('C2 advances by the frame time when the clock agrees', () => {
    expect(easePlayhead(4, 4 + FRAME_S, FRAME_S, true)).toBeCloseTo(4 + FRAME_S, 9);
  });

  it('C2 slews toward a jittered clock by at most half a frame, never stepping back', () => {
    const behind = easePlayhead(4, 3.99, FRAME_S, true);
    const ahead = easePlayhead(4, 4.1, FRAME_S, true);
    expect(behind).toBeCloseTo(4 + FRAME_S / 2, 9);
    expect(ahead).toBeCloseTo(4 + 1.5 * FRAME_S, 9);
  });

  it('C2 converges on the clock over frames', () => {
    let shown = 4;
    let clock = 4.05;
    for (let i = 0; i < 30; i++) {
      clock += FRAME_S;
      shown = easePlayhead(shown, clock, FRAME_S, true);
    }
    expect(shown).toBeCloseTo(clock, 9);
  });

  it('C2 a loop shorter than the seek threshold wraps too: the playhead leaves the loop by at most 100 ms', () => {
    for (const loop of [0.03, 0.06, 0.1, 0.15, 0.2]) {
      let shown: number | null = null;
      let furthest = 0;
      for (let frame = 1; frame <= 600; frame++) {
        shown = easePlayhead(shown, (frame * FRAME_S) % loop, FRAME_S, true);
        furthest = Math.max(furthest, shown);
      }
      expect(furthest).toBeLessThanOrEqual(loop + 0.1);
    }
  });

  it('C2 a clock up to 100 ms behind the playhead’s next place is slewed to, one further behind jumped to', () => {
    expect(easePlayhead(4, 3.901 + FRAME_S, FRAME_S, true)).toBeCloseTo(4 + FRAME_S / 2, 9);
    expect(easePlayhead(4, 3.899 + FRAME_S, FRAME_S, true)).toBe(3.899 + FRAME_S);
  });

  it('C2 jumps to the clock on a seek or loop wrap', () => {
    expect(easePlayhead(4, 4.5, FRAME_S, true)).toBe(4.5);
    expect(easePlayhead(8, 0, FRAME_S, true)).toBe(0);
  });
});
