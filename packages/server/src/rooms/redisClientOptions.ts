import { REDIS_DEADLINES, type RedisDeadlines } from '../config/redisDeadlines.js';

/**
 * How every connection of a cluster node to Redis is made: commands are not queued while Redis is
 * away (they reject at once, so a write is refused fast), each reply has a deadline, and it
 * reconnects with a backoff capped at 1 s. A Redis that stops answering without closing the
 * socket (stopped, or partitioned away) is noticed by the deadline of the next command or PING.
 */
export const redisClientOptions = (url: string, deadlines: RedisDeadlines = REDIS_DEADLINES) =>
  ({
    url,
    disableOfflineQueue: true,
    pingInterval: deadlines.pingIntervalMs,
    // A command already sent is rejected too once its deadline passes (TimeoutReadError).
    commandOptions: { timeout: deadlines.replyMs, rejectInFlight: true },
    socket: {
      connectTimeout: 2000,
      // A healthy connection hears at least a PONG per interval. This also ends a reconnect whose
      // handshake Redis never answers, which the reply deadline does not cover.
      socketTimeout: deadlines.pingIntervalMs + deadlines.replyMs,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
    },
  }) as const;
