import { STAGE_NAMES, type StageName } from '@liveline/protocol';
import type { ResolvedServerOptions } from '../config/serverOptions.js';
import { createBuiltinStage } from '../domains/workflow/builtinStages.js';
import { createRenderStage } from '../domains/workflow/render/createRenderStage.js';
import type { PresenceSlices } from '../domains/board/PresenceSlices.js';
import type { MetricsSlices } from '../domains/workflow/MetricsSlices.js';
import type { AnchorReplica } from '../domains/transport/AnchorReplica.js';
import type { Stage } from '../domains/workflow/Stage.js';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../log/createLogger.js';
import type { Broker } from '../rooms/Broker.js';
import { createMemoryBroker } from '../rooms/createMemoryBroker.js';
import { createRedisBroker, type BrokerStatus } from '../rooms/createRedisBroker.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { Storage } from '../storage/Storage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';
import { createLatestReplication } from './createLatestReplication.js';

/** The replaceable parts of a server; each one left out is built from the options. */
export interface LivelineParts {
  /** Durable state. @default PostgreSQL at `databaseUrl` in cluster mode, else SQLite in `dataDir` */
  readonly storage?: Storage;
  /** Room fan-out and history, bounded by the `history*` options. @default Redis at `redisUrl` in cluster mode, else in memory */
  readonly broker?: Broker;
  /** Pipeline stages by name; those left out are the built-in ones. @default built-in stages paced by `stageDurationMs`, and ffmpeg's `render` unless `renderVideo` is false */
  readonly stages?: Partial<Record<StageName, Stage>>;
  /** Where log lines go. @default JSON lines on stdout at `logLevel` */
  readonly logger?: Logger;
}

/** Every part, and whether the server made it (and so closes it when it stops). */
export interface ResolvedParts {
  readonly log: Logger;
  readonly storage: Storage;
  readonly ownsStorage: boolean;
  readonly broker: Broker;
  /** `cluster` when the settings name PostgreSQL and Redis (they always come together). */
  readonly mode: 'embedded' | 'cluster';
  /** The health of the Redis broker the server made, or `null` (memory, or a broker given). */
  readonly brokerStatus: (() => BrokerStatus) | null;
  /** Where the transport anchor is kept and how it reaches every node. */
  readonly anchors: AnchorReplica;
  /** How board presence reaches the other nodes. */
  readonly presenceSlices: PresenceSlices;
  /** How the coordinator metrics and agent statuses of the other nodes reach this one. */
  readonly metricsSlices: MetricsSlices;
  /** Settles once the broker and replication the server made are connected, or have given up waiting. */
  readonly brokerReady: Promise<void>;
  /** Closes the broker and replication the server made (their Redis connections); nothing otherwise. */
  readonly closeBroker: () => Promise<void>;
  /** A stage without a worker (`render` with `renderVideo: false`) is skipped by every run. */
  readonly stages: Partial<Record<StageName, Stage>>;
}

const REQUIRED_METHODS = {
  storage: [
    'status',
    'openRoom',
    'append',
    'readEvents',
    'loadDocument',
    'listDocuments',
    'listWorkflows',
    'countWorkflows',
    'putDocument',
    'loadVersioned',
    'swapDocument',
    'appliedOp',
    'prune',
    'acquireLease',
    'renewLease',
    'releaseLease',
    'lapsedLeases',
    'close',
  ],
  broker: [
    'seed',
    'publish',
    'window',
    'since',
    'drop',
    'setLatest',
    'latest',
    'subscribe',
    'subscriberCount',
  ],
  logger: ['debug', 'info', 'warn', 'error'],
  stage: ['run'],
} as const;

/** `value` if it is an object with every method of `methods`, else a {@link ConfigError} naming `field`. */
const checkPart = <T>(field: string, value: T, methods: readonly string[]): T => {
  const missing = methods.filter(
    (name) =>
      typeof value !== 'object' ||
      value === null ||
      typeof (value as Record<string, unknown>)[name] !== 'function',
  );
  if (missing.length > 0)
    throw new ConfigError(field, `expected an object with the methods ${missing.join(', ')}`);
  return value;
};

/** Builds the parts left out of `parts` from `config`, and checks the ones given. */
export function resolveParts(parts: LivelineParts, config: ResolvedServerOptions): ResolvedParts {
  const log = parts.logger
    ? checkPart('logger', parts.logger, REQUIRED_METHODS.logger)
    : createLogger(config.logLevel);
  const stageParts = parts.stages ?? {};
  const unknown = Object.keys(stageParts).find((name) => !STAGE_NAMES.some((s) => s === name));
  if (unknown !== undefined)
    throw new ConfigError(`stages.${unknown}`, `expected one of ${STAGE_NAMES.join(', ')}`);
  const builtin = (name: StageName): Stage | null => {
    if (name !== 'render') return createBuiltinStage(name, config.stageDurationMs);
    return config.renderVideo
      ? createRenderStage({
          dataDir: config.dataDir,
          tools: { ffmpeg: config.ffmpegPath, espeakNg: config.espeakNgPath },
          log,
        })
      : null;
  };
  const stages: Partial<Record<StageName, Stage>> = {};
  for (const name of STAGE_NAMES) {
    const given = stageParts[name];
    const stage = given
      ? checkPart(`stages.${name}`, given, REQUIRED_METHODS.stage)
      : builtin(name);
    if (stage) stages[name] = stage;
  }
  const limits = {
    maxEvents: config.historyMaxEvents,
    maxAgeMs: config.historyMaxAgeMs,
    maxBytes: config.historyMaxBytes,
  };
  const redis =
    !parts.broker && config.redisUrl
      ? createRedisBroker({
          url: config.redisUrl,
          limits,
          now: config.now,
          encode: encodeTextFrame,
          log,
        })
      : null;
  const broker = parts.broker
    ? checkPart('broker', parts.broker, REQUIRED_METHODS.broker)
    : (redis ?? createMemoryBroker(limits, config.now, encodeTextFrame));
  // Storage last: it opens a file, which nothing may leave open when another part is refused.
  const storage = parts.storage
    ? checkPart('storage', parts.storage, REQUIRED_METHODS.storage)
    : config.databaseUrl
      ? createPostgresStorage({ url: config.databaseUrl, log })
      : createSqliteStorage(config.dataDir, log);
  const mode = config.databaseUrl ? 'cluster' : 'embedded';
  const latest = createLatestReplication({
    storage,
    redisUrl: mode === 'cluster' ? config.redisUrl : null,
    nodeId: config.nodeId,
    log,
    now: config.now,
  });
  return {
    log,
    storage,
    ownsStorage: !parts.storage,
    broker,
    mode,
    brokerStatus: redis ? () => redis.status() : null,
    anchors: latest.anchors,
    presenceSlices: latest.presence,
    metricsSlices: latest.metrics,
    brokerReady: Promise.all([redis?.ready, latest.ready]).then(() => undefined),
    closeBroker: () => Promise.all([redis?.close(), latest.close()]).then(() => undefined),
    stages,
  };
}
