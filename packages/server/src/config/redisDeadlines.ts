/** How long a cluster node's connections to Redis wait for it, in ms. */
export interface RedisDeadlines {
  /** For the reply to a command once it was sent. @default 2000 */
  readonly replyMs: number;
  /** Between two PINGs on a connection, so that an idle one that stopped answering is found. @default 1000 */
  readonly pingIntervalMs: number;
}

/** The deadlines of every connection to Redis (docs/deployment.md). */
export const REDIS_DEADLINES: RedisDeadlines = { replyMs: 2000, pingIntervalMs: 1000 };

/**
 * How long a join waits for Redis to confirm its room's subscription by default, in ms: as long as
 * a connection may stay silent before it is cut (a PING interval and a reply deadline).
 */
export const SUBSCRIBE_CONFIRM_MS = REDIS_DEADLINES.pingIntervalMs + REDIS_DEADLINES.replyMs;
