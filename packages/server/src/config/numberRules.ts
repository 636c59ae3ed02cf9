import {
  CLOCK_RATE_HZ,
  HEARTBEAT_INTERVAL_MS,
  OP_ID_RETENTION_MS,
  ORDERED_MAX_BUFFERED_BYTES,
  OUTBOX_MAX_COUNT,
  PING_INTERVAL_MS,
} from '@liveline/protocol';
import { ConfigError } from '../errors.js';
import { SUBSCRIBE_CONFIRM_MS } from './redisDeadlines.js';

/** The default and bounds of a numeric option. */
export interface NumberRule {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  readonly int?: boolean;
}

/** `value` checked against `rule`, or its fallback when unset; throws a {@link ConfigError} naming `field`. */
export const numberOption = (field: string, value: unknown, rule: NumberRule): number => {
  if (value === undefined) return rule.fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new ConfigError(field, 'expected a number');
  if (rule.int && !Number.isInteger(value)) throw new ConfigError(field, 'expected an integer');
  if (value < rule.min || value > rule.max)
    throw new ConfigError(field, `expected a value from ${rule.min} to ${rule.max}`);
  return value;
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const MIB = 1024 * 1024;
const BYTES_MAX = 2 ** 40;
/**
 * What a reconnect writes besides a full outbox, with room to spare: clock probes and messages sent
 * as the socket opens, so the default burst never closes a reconnect with 4429 (rule L4).
 */
const RECONNECT_EXTRA_MESSAGES = 50;

/** Defaults and bounds of every numeric option. */
export const NUMBER_RULES = {
  port: { fallback: 8000, min: 0, max: 65_535, int: true },
  stageDurationMs: { fallback: 1500, min: 0, max: HOUR_MS },
  clockRateHz: { fallback: CLOCK_RATE_HZ, min: 0.1, max: 1000 },
  metricsRateHz: { fallback: 1, min: 0.01, max: 1000 },
  heartbeatIntervalMs: { fallback: HEARTBEAT_INTERVAL_MS, min: 1, max: HOUR_MS },
  pingIntervalMs: { fallback: PING_INTERVAL_MS, min: 1, max: HOUR_MS },
  historyMaxEvents: { fallback: 1000, min: 1, max: 1e7, int: true },
  historyMaxAgeMs: { fallback: 600_000, min: 1, max: DAY_MS },
  historyMaxBytes: { fallback: 4 * MIB, min: 1, max: BYTES_MAX, int: true },
  runRetentionMs: { fallback: 30 * DAY_MS, min: 1, max: 100_000 * DAY_MS },
  opIdRetentionMs: { fallback: OP_ID_RETENTION_MS, min: 1, max: 100_000 * DAY_MS },
  pruneIntervalMs: { fallback: 60_000, min: 1, max: DAY_MS },
  workflowLeaseMs: { fallback: 10_000, min: 100, max: HOUR_MS, int: true },
  orderedMaxBufferedBytes: {
    fallback: ORDERED_MAX_BUFFERED_BYTES,
    min: 1,
    max: BYTES_MAX,
    int: true,
  },
  latestMaxBufferedBytes: { fallback: 64 * 1024, min: 0, max: BYTES_MAX, int: true },
  rateLimitPerSecond: { fallback: 50, min: 0.001, max: 1e6 },
  rateLimitBurst: {
    fallback: OUTBOX_MAX_COUNT + RECONNECT_EXTRA_MESSAGES,
    min: 1,
    max: 1e6,
    int: true,
  },
  httpRateLimit: { fallback: 1000, min: 1, max: 1e7, int: true },
  maxBoards: { fallback: 1000, min: 1, max: 1e6, int: true },
  maxUnfinishedRuns: { fallback: 1000, min: 1, max: 1e6, int: true },
  maxFinishedRuns: { fallback: 10_000, min: 1, max: 1e7, int: true },
  agentCapacity: { fallback: 1, min: 1, max: 1000, int: true },
  maxConnections: { fallback: 10_000, min: 1, max: 1e7, int: true },
  maxConnectionsPerIp: { fallback: 1000, min: 1, max: 1e7, int: true },
  restartReconnectsPerSecond: { fallback: 1000, min: 1, max: 1e7 },
  handshakeTimeoutMs: { fallback: 10_000, min: 50, max: HOUR_MS, int: true },
  requestTimeoutMs: { fallback: 30_000, min: 50, max: HOUR_MS, int: true },
  closeGraceMs: { fallback: 1_000, min: 1, max: HOUR_MS, int: true },
  subscribeConfirmMs: { fallback: SUBSCRIBE_CONFIRM_MS, min: 1, max: HOUR_MS, int: true },
} as const satisfies Record<string, NumberRule>;
/** A numeric option of {@link ServerOptions}. */
export type NumberOptionName = keyof typeof NUMBER_RULES;
