/** Options of {@link backoff}. */
export interface BackoffOptions {
  /** Ceiling of the first retry's window, doubled per attempt. @default 1000 */
  readonly baseMs: number;
  /** Largest window, applied before the jitter so capped clients still spread out. @default 10000 */
  readonly capMs: number;
  /** Shortest delay, so a flapping server is never hammered. @default 250 */
  readonly floorMs: number;
  /**
   * How long after a server announced a restart (1012, rule K4) retries follow the restart
   * schedule ({@link restartSchedule}) instead of the growing window. @default 10000
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

/**
 * Retries after a server announced a restart (rule K4): one random phase, then a fixed period.
 * Whenever the server comes back, each client's next slot is then uniform over one period, so the
 * fleet returns at an even rate. Fresh draws per retry would not: a client's wait for its next
 * retry is weighted towards short waits, and windows that grow meanwhile bunch clients up too.
 */
export interface RestartSchedule {
  /** The first retry, in the clock of `now`. */
  readonly firstAt: number;
  /** Time between retries: the window the server asked for, within `[baseMs, capMs]`. */
  readonly periodMs: number;
  /** After this, retries grow as usual. */
  readonly until: number;
}

/** The schedule after a `1012` at `now` whose reason asked for `spreadMs` (null: none). */
export function restartSchedule(
  now: number,
  spreadMs: number | null,
  random: () => number,
  options: BackoffOptions = DEFAULT_BACKOFF,
): RestartSchedule {
  const periodMs = Math.min(options.capMs, Math.max(options.baseMs, spreadMs ?? 0));
  const firstAt = now + options.floorMs + random() * periodMs;
  return { firstAt, periodMs, until: firstAt + options.restartMs };
}

/** The first slot of `schedule` at or after `earliest`. */
export function nextRestartSlot(schedule: RestartSchedule, earliest: number): number {
  const periods = Math.max(0, Math.ceil((earliest - schedule.firstAt) / schedule.periodMs));
  return schedule.firstAt + periods * schedule.periodMs;
}
