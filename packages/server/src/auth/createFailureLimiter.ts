/** Failed authentications one client may make per window before it gets `429` unverified (rule A7). */
export const AUTH_FAILURES_PER_WINDOW = 10;
/** The window of {@link AUTH_FAILURES_PER_WINDOW}, in ms. */
export const AUTH_FAILURE_WINDOW_MS = 60_000;
/** Clients tracked at most; the oldest windows are dropped first. */
const MAX_TRACKED = 10_000;

/** Counts authentication failures per client: an IPv4 address or an IPv6 /64 (addressKey.ts). */
export interface FailureLimiter {
  /** Seconds until `client` may try again, or 0 when it may try now. */
  retryAfter(client: string): number;
  /** Records one failure of `client`. */
  fail(client: string): void;
}

/** Creates a fixed-window failure counter (rule A7). */
export function createFailureLimiter(now: () => number): FailureLimiter {
  const windows = new Map<string, { count: number; endsAt: number }>();
  const current = (client: string) => {
    const found = windows.get(client);
    if (found && found.endsAt > now()) return found;
    windows.delete(client);
    return null;
  };
  return {
    retryAfter(client) {
      const window = current(client);
      return window && window.count >= AUTH_FAILURES_PER_WINDOW
        ? Math.ceil((window.endsAt - now()) / 1000)
        : 0;
    },
    fail(client) {
      const window = current(client);
      if (window) window.count += 1;
      else {
        if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value ?? '');
        windows.set(client, { count: 1, endsAt: now() + AUTH_FAILURE_WINDOW_MS });
      }
    },
  };
}
