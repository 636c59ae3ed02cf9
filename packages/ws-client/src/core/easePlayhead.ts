/** Beyond this disagreement with the clock the playhead jumps (a seek, a loop wrap) instead of slewing. */
const JUMP_SECONDS = 0.25;

/**
 * Where to draw the playhead next (rule C2): while playing it advances by the frame's time and
 * slews toward the clock's estimate by at most half a frame, so tick jitter never shows as a jump
 * or a step back; paused, or off by more than a quarter second, it goes to `target`.
 */
export function easePlayhead(
  shown: number | null,
  target: number,
  frameSeconds: number,
  playing: boolean,
): number {
  const predicted = (shown ?? target) + frameSeconds;
  const error = target - predicted;
  if (shown === null || !playing || Math.abs(error) > JUMP_SECONDS) return target;
  const limit = frameSeconds / 2;
  return predicted + Math.min(limit, Math.max(-limit, error));
}
