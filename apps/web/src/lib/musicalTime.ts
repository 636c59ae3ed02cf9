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
