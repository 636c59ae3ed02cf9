import { PROTOCOL_VERSION } from './common.js';
import { nullable, number, object, oneOf, optional, record, string, type Infer } from './schema.js';

const count = number({ min: 0, int: true });

/** Counters of one WebSocket route since start. */
export const routeStatsSchema = object({
  connections: count,
  rooms: count,
  messages_sent: count,
  messages_dropped: count,
  slow_consumer_closes: count,
  resumes_served: count,
  resumes_not_recovered: count,
});
/** Counters of one WebSocket route. */
export type RouteStats = Infer<typeof routeStatsSchema>;

/** `GET /health`: the seed's fields (`status, version, timestamp, database`) first, then ours. */
export const healthSchema = object({
  status: oneOf(['healthy', 'degraded', 'draining']),
  version: string({ max: 40 }),
  timestamp: string({ max: 40 }),
  database: oneOf(['connected', 'error']),
  database_error: nullable(string({ max: 1000 })),
  uptime_seconds: number({ min: 0 }),
  protocol_version: oneOf([PROTOCOL_VERSION]),
  routes: record(routeStatsSchema),
  /** Whether connections and requests need a signed token (rule A1); servers before it omit it. */
  auth: optional(oneOf(['off', 'on'])),
  /** The node's name (`--node-id`); servers before cluster mode omit this and the fields below. */
  node: optional(string({ max: 64 })),
  /** `embedded` (SQLite and the in-memory broker) or `cluster` (PostgreSQL and Redis). */
  mode: optional(oneOf(['embedded', 'cluster'])),
  /** `memory` in the embedded node; Redis `connected` or in `error` (then `status` is `degraded`). */
  broker: optional(oneOf(['memory', 'connected', 'error'])),
  broker_error: optional(nullable(string({ max: 1000 }))),
});
/** The body of `GET /health`. */
export type Health = Infer<typeof healthSchema>;
