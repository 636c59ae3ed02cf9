/** Failed authentications one IP may make per window before it gets `429` unverified (rule A7). */
export const AUTH_FAILURES_PER_WINDOW = 10;
/** The window of {@link AUTH_FAILURES_PER_WINDOW}, in ms. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** IPs tracked at most; the oldest windows are dropped first. */
const MAX_TRACKED = 10_000;

/** Counts authentication failures per client IP. */
export interface FailureLimiter {
  /** Seconds until `ip` may try again, or 0 when it may try now. */
  retryAfter(ip: string): number;
  /** Records one failure of `ip`. */
  fail(ip: string): void;
}

/** Creates a fixed-window failure counter (rule A7). */
export function createFailureLimiter(now: () => number): FailureLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const current = (ip: string) => {
    const found = windows.get(ip);
    if (found && found.endsAt > now()) return found;
    windows.delete(ip);
    return null;
  };
  return {
    retryAfter(ip) {
      const window = current(ip);
      return window && window.count >= AUTH_FAILURES_PER_WINDOW
        ? Math.ceil((window.endsAt - now()) / 1000)
        : 0;
    },
    fail(ip) {
      const window = current(ip);
      if (window) window.count += 1;
      else {
        if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value ?? '');
        windows.set(ip, { count: 1, endsAt: now() + AUTH_FAILURE_WINDOW_MS });
      }
    },
  };
}
