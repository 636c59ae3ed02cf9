import { useEffect, useRef } from 'react';
import { transportClock } from '../lib/liveline';

/** Beyond this disagreement the playhead jumps (a seek or a loop wrap) instead of slewing. */
const JUMP_SECONDS = 0.25;

/**
 * Where to draw the playhead next: while playing it advances by the frame's time and slews
 * toward the clock's estimate by at most half a frame, so tick jitter never shows as a jump.
 */
export function nextPlayhead(
  shown: number | null,
  target: number,
  dtSeconds: number,
  playing: boolean,
): number {
  if (shown === null || !playing) return target;
  const predicted = shown + dtSeconds;
  const error = target - predicted;
  if (Math.abs(error) > JUMP_SECONDS) return target;
  const limit = dtSeconds / 2;
  return predicted + Math.min(limit, Math.max(-limit, error));
}

/**
 * Calls `draw` with the extrapolated playhead every animation frame, outside React: the caller
 * moves DOM nodes by ref, so the page renders nothing per frame.
 */
export function usePlayheadFrame(draw: (seconds: number) => void): void {
  const drawRef = useRef(draw);
  useEffect(() => {
    drawRef.current = draw;
  });
  useEffect(() => {
    const clock = transportClock();
    const release = clock.subscribe(() => {});
    let shown: number | null = null;
    let last = performance.now();
    let frame = requestAnimationFrame(function tick(now) {
      const target = clock.position();
      if (target !== null) {
        shown = nextPlayhead(
          shown,
          target,
          Math.max(0, now - last) / 1000,
          clock.getState().anchor?.playing ?? false,
        );
        drawRef.current(shown);
      }
      last = now;
      frame = requestAnimationFrame(tick);
    });
    return () => {
      cancelAnimationFrame(frame);
      release();
    };
  }, []);
}
