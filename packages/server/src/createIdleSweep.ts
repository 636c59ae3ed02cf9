/**
 * Creates the sweep that lets go of what sat idle for `idleMs`: call it with the time whenever the
 * owner is used, and it calls `dropIdle(t)` at most every quarter of `idleMs` (the first time
 * `idleMs` after creation, when something could have been idle for that long). Checking on use
 * rather than on a timer keeps an unused server free of wake-ups, and the quarter bounds both the
 * work on a busy server and how long past `idleMs` something idle stays.
 */
export function createIdleSweep(
  idleMs: number,
  now: () => number,
  dropIdle: (t: number) => void,
): (t: number) => void {
  let nextSweep = now() + idleMs;
  return (t) => {
    if (t < nextSweep) return;
    nextSweep = t + idleMs / 4;
    dropIdle(t);
  };
}
