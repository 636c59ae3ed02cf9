/**
 * How fast the server clock takes up a backward step of the system clock: 5 ms per second, so a
 * playing transport runs 0.5 % slow on that node until it caught up (a 1 s step in 200 s).
 */
export const CLOCK_SLEW_RATE = 0.005;
/**
 * The largest gap between the system clock and the server clock taken for rounding, not a step:
 * `Date.now()` is whole milliseconds, and the monotonic clock it is compared with is not.
 */
const ROUNDING_MS = 2;

/**
 * Creates the server clock, epoch ms with sub-ms precision (docs/decisions.md, PROTOCOL.md TA2):
 * the monotonic clock set to the system clock, following the system clock's steps (an NTP
 * correction after the start) so that cluster nodes agree as their system clocks do. A step
 * forward is taken at once; a step back slows the clock down ({@link CLOCK_SLEW_RATE}) until it
 * caught up: the clock never runs backwards. `wall` and `monotonic` are injectable for tests.
 */
export function createServerClock(
  wall: () => number = Date.now,
  monotonic: () => number = () => performance.now(),
): () => number {
  let previous = monotonic();
  /** What is added to the monotonic clock to read epoch ms. */
  let offset = wall() - previous;
  return () => {
    const at = monotonic();
    const target = wall() - at;
    if (target > offset) offset = target;
    else if (target < offset - ROUNDING_MS)
      offset = Math.max(target, offset - (at - previous) * CLOCK_SLEW_RATE);
    previous = at;
    return at + offset;
  };
}
