/** Beats in a bar; the DAW works in 4/4. */
export const BEATS_PER_BAR = 4;

/** Seconds one bar lasts at `bpm`. */
export function secondsPerBar(bpm: number): number {
  return (BEATS_PER_BAR * 60) / bpm;
}

/** "bar.beat" (1-based) and "m:ss.mmm" for a position in seconds. */
export function formatPosition(seconds: number, bpm: number): { bars: string; clock: string } {
  const beats = (seconds * bpm) / 60;
  const bar = Math.floor(beats / BEATS_PER_BAR) + 1;
  const beat = Math.floor(beats % BEATS_PER_BAR) + 1;
  const minutes = Math.floor(seconds / 60);
  const rest = (seconds - minutes * 60).toFixed(3).padStart(6, '0');
  return { bars: `${bar}.${beat}`, clock: `${minutes}:${rest}` };
}

const STEPS_IN_BEATS: Readonly<Record<string, number>> = {
  ArrowRight: 1,
  ArrowUp: 1,
  ArrowLeft: -1,
  ArrowDown: -1,
  PageUp: BEATS_PER_BAR,
  PageDown: -BEATS_PER_BAR,
};

/**
 * Where a key moves the playhead from `seconds` on a timeline whose view ends at `end` seconds
 * (WAI-ARIA slider keys): to the next or previous beat (arrows) or bar (Page Up/Down) on the grid,
 * on into the next view past its end (the server refuses a position past 24 h), or to the start
 * (Home) or the view's last beat (End); null for any other key.
 */
export function seekByKey(key: string, seconds: number, bpm: number, end: number): number | null {
  const beat = 60 / bpm;
  if (key === 'Home') return 0;
  if (key === 'End') return end - beat;
  const beats = STEPS_IN_BEATS[key];
  if (beats === undefined) return null;
  const step = Math.abs(beats) * beat;
  // Within a millisecond of a grid line counts as on it, so a step always moves a whole step.
  const on = seconds / step;
  const next = beats > 0 ? Math.floor(on + 0.001 / step) + 1 : Math.ceil(on - 0.001 / step) - 1;
  return Math.max(0, Math.round(next * step * 1000) / 1000);
}
