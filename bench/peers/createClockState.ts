/** A clock tick with the same fields and sizes as Liveline's `/ws/transport/clock` state. */
export interface ClockTick {
  readonly playing: boolean;
  readonly time_seconds: number;
  readonly sample_pos: number;
  readonly bpm: number;
  readonly beat_pos: number;
  readonly timestamp_ms: number;
  readonly loop_enabled: boolean;
  readonly loop_start_seconds: number;
  readonly loop_end_seconds: number;
}

const SAMPLE_RATE_HZ = 44_100;
const BPM = 120;

/** The clock state at epoch ms `nowMs` for a transport playing since `startedAtMs`. */
export function createClockState(startedAtMs: number, nowMs: number): ClockTick {
  const time = (nowMs - startedAtMs) / 1000;
  return {
    playing: true,
    time_seconds: time,
    sample_pos: Math.round(time * SAMPLE_RATE_HZ),
    bpm: BPM,
    beat_pos: (time * BPM) / 60,
    timestamp_ms: nowMs,
    loop_enabled: false,
    loop_start_seconds: 0,
    loop_end_seconds: 10,
  };
}

/** The 30 Hz rate every peer's clock uses (Liveline's default `clockRateHz`). */
export const CLOCK_RATE_HZ = 30;

/**
 * Calls `tick` at `rateHz`, scheduling tick n at start + n·period so the rate does not sag (the
 * same drift correction Liveline's tick loop uses, so peers are not handicapped). Returns stop.
 */
export function startTickLoop(rateHz: number, tick: () => void): () => void {
  const periodMs = 1000 / rateHz;
  const start = performance.now();
  let n = 0;
  let timer: NodeJS.Timeout | undefined;
  const run = (): void => {
    n += 1;
    timer = setTimeout(run, Math.max(0, start + n * periodMs - performance.now()));
    tick();
  };
  timer = setTimeout(run, periodMs);
  return () => clearTimeout(timer);
}

/** Server time in epoch ms with sub-ms precision, as Liveline's default `now`. */
export const epochNow = (): number => performance.timeOrigin + performance.now();
