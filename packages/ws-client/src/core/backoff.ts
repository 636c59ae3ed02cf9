/** Options of {@link backoff}. */
export interface BackoffOptions {
  /** Ceiling of the first retry's window, doubled per attempt. @default 1000 */
  readonly baseMs: number;
  /** Largest window, applied before the jitter so capped clients still spread out. @default 10000 */
  readonly capMs: number;
  /** Shortest delay, so a flapping server is never hammered. @default 250 */
  readonly floorMs: number;
  /**
   * How long after a server announced a restart (1012, rule K4) retries keep the first window
   * instead of growing it. A window that grows while the server is down makes most clients
   * return at once when it is back, then a long tail; a steady one spreads them over one window.
   * @default 10000
   */
  readonly restartMs: number;
}

/** The documented defaults of {@link BackoffOptions}. */
export const DEFAULT_BACKOFF: BackoffOptions = {
  baseMs: 1000,
  capMs: 10_000,
  floorMs: 250,
  restartMs: 10_000,
};

/**
 * Full-jitter delay before retry `attempt` (0-based): uniform in `[floor, min(cap, base·2^attempt)]`,
 * drawn per attempt and per socket so clients never retry in lockstep.
 */
export function backoff(
  attempt: number,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** attempt);
  return options.floorMs + random() * Math.max(0, ceiling - options.floorMs);
}
