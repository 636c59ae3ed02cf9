import type { RouteStats } from '@liveline/protocol';

/** Mutable counters of one WebSocket route (`connections` and `rooms` are computed on read). */
export type RouteCounters = {
  -readonly [K in Exclude<keyof RouteStats, 'connections' | 'rooms'>]: RouteStats[K];
};

/** Fresh zeroed counters. */
export const createRouteCounters = (): RouteCounters => ({
  messages_sent: 0,
  messages_dropped: 0,
  slow_consumer_closes: 0,
  resumes_served: 0,
  resumes_not_recovered: 0,
});
