/**
 * How every connection of a cluster node to Redis is made: commands are not queued while Redis is
 * away (they reject at once, so a write is refused fast), and it reconnects with a backoff capped
 * at 1 s.
 */
export const redisClientOptions = (url: string) =>
  ({
    url,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2000,
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 1000),
    },
  }) as const;
