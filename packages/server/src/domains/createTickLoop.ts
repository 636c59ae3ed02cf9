/** A running periodic task. */
export interface TickLoop {
  /** Stops ticking. */
  stop(): void;
}

/** Falling further behind than this many periods resynchronizes instead of bursting to catch up. */
const MAX_LAG_PERIODS = 30;

/**
 * Calls `tick` at `rateHz` with drift correction: tick n is scheduled at start + n·period against
 * `performance.now()`, not chained, so the rate does not sag under load (rule C3).
 */
export function createTickLoop(rateHz: number, tick: () => void): TickLoop {
  const periodMs = 1000 / rateHz;
  let start = performance.now();
  let n = 0;
  let timer: NodeJS.Timeout | null = null;
  const schedule = (): void => {
    n += 1;
    let due = start + n * periodMs;
    const now = performance.now();
    if (now - due > MAX_LAG_PERIODS * periodMs) {
      start = now;
      n = 0;
      due = now;
    }
    timer = setTimeout(run, Math.max(0, due - now));
  };
  const run = (): void => {
    schedule();
    tick();
  };
  schedule();
  return {
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
