/** Inbound limits of one connection. */
export interface InboundLimits {
  /** Messages per second allowed on average. */
  readonly ratePerSecond: number;
  /** Messages allowed in a burst. */
  readonly burst: number;
  /** Bad messages tolerated within {@link BAD_MESSAGE_WINDOW_MS}; one more closes with 4400. */
  readonly maxBadMessages: number;
}

/** Window in which bad messages are counted (rule E2). */
export const BAD_MESSAGE_WINDOW_MS = 10_000;
/** Bad messages tolerated within the window (rule E2). */
export const MAX_BAD_MESSAGES = 5;

/** Tracks one connection's inbound rate (token bucket) and recent bad messages. */
export interface InboundGuard {
  /** Takes a token; `false` means the rate limit is exceeded (rule L4). */
  allow(): boolean;
  /** Records a bad message; `true` means too many within the window (rule E2). */
  recordBad(): boolean;
}

/** Creates an {@link InboundGuard}; `now` is epoch ms. */
export function createInboundGuard(limits: InboundLimits, now: () => number): InboundGuard {
  let tokens = limits.burst;
  let refilledAt = now();
  let bad: number[] = [];
  return {
    allow() {
      const t = now();
      tokens = Math.min(limits.burst, tokens + ((t - refilledAt) / 1000) * limits.ratePerSecond);
      refilledAt = t;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    recordBad() {
      const t = now();
      bad = bad.filter((at) => t - at < BAD_MESSAGE_WINDOW_MS);
      bad.push(t);
      return bad.length > limits.maxBadMessages;
    },
  };
}
