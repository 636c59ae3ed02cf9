/**
 * The playhead slews while the clock is between 50 ms behind it and a quarter second ahead of it,
 * and jumps beyond: far ahead is a seek, and a little behind already a loop wrap, however short
 * the loop. The range as a centre and a radius, one comparison.
 */
const SLEW_CENTRE_SECONDS = 0.1;
const SLEW_RADIUS_SECONDS = 0.15;

/**
 * Where to draw the playhead next (rule C2): while playing it advances by the frame's time and
 * slews toward the clock's estimate by at most half a frame, so tick jitter never shows as a jump
 * or a step back; paused, or outside the slewing range, it goes to `target`.
 */
export function easePlayhead(
  shown: number | null,
  target: number,
  frameSeconds: number,
  playing: boolean,
): number {
  const predicted = (shown ?? target) + frameSeconds;
  const error = target - predicted;
  if (shown === null || !playing || Math.abs(error - SLEW_CENTRE_SECONDS) > SLEW_RADIUS_SECONDS)
    return target;
  const limit = frameSeconds / 2;
  return predicted + Math.min(limit, Math.max(-limit, error));
}
