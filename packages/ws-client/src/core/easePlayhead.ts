/**
 * The playhead slews while the clock is between 100 ms behind where it would be next frame and a
 * quarter second ahead of that, and jumps beyond: far ahead is a seek, and a tenth of a second
 * behind already a loop wrap, so a playhead leaves even a short loop by at most that. Less would
 * show tick jitter and offset corrections as steps back. The range as a centre and a radius, one
 * comparison.
 */
const SLEW_CENTRE_SECONDS = 0.075;
const SLEW_RADIUS_SECONDS = 0.175;

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
