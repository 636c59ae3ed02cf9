import { STAGE_NAMES, type StageName } from '@liveline/protocol';
import type { ResolvedServerOptions } from '../config/serverOptions.js';
import { NO_OTHER_NODES, type PresenceSlices } from '../domains/board/PresenceSlices.js';
import { createBuiltinStage } from '../domains/workflow/builtinStages.js';
import { createRenderStage } from '../domains/workflow/render/createRenderStage.js';
import { ONLY_THIS_NODE, type MetricsSlices } from '../domains/workflow/MetricsSlices.js';
import type { AnchorReplica } from '../domains/transport/AnchorReplica.js';
import { createEmbeddedAnchor } from '../domains/transport/createEmbeddedAnchor.js';
import type { Stage } from '../domains/workflow/Stage.js';
import { ConfigError } from '../errors.js';
import { createLogger, type Logger } from '../log/createLogger.js';
import type { Broker } from '../rooms/Broker.js';
import { createMemoryBroker, type HistoryLimits } from '../rooms/createMemoryBroker.js';
import type { BrokerStatus } from '../rooms/createBrokerHealth.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { Storage } from '../storage/Storage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';

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

/** The parts that embedded and cluster mode build on different engines. */
export type Engines = Omit<ResolvedParts, 'log' | 'ownsStorage' | 'mode' | 'stages'>;

/** The storage and broker given as parts, checked; `null` for each the engines build. */
export interface GivenEngines {
  readonly storage: Storage | null;
  readonly broker: Broker | null;
}

const REQUIRED_METHODS = {
  storage: [
    'status',
    'readHead',
    'append',
    'readEvents',
    'loadDocument',
    'loadSequenced',
    'listWorkflows',
    'readWorkflowPage',
    'countWorkflows',
    'countWorkflowsIn',
    'countBoards',
    'putDocument',
    'loadVersioned',
    'swapDocument',
    'appliedOp',
    'prune',
    'acquireLease',
    'renewLease',
    'releaseLease',
    'handOverLease',
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
    'clearLatest',
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

/**
 * The engines of an embedded node: SQLite in `dataDir` and the in-memory broker (unless given),
 * and the latest rooms in process (the anchor is a document of its storage, and there are no other
 * nodes' people).
 */
const embeddedEngines = (
  given: GivenEngines,
  config: ResolvedServerOptions,
  limits: HistoryLimits,
  log: Logger,
): Engines => {
  const storage = given.storage ?? createSqliteStorage(config.dataDir, log);
  return {
    storage,
    broker: given.broker ?? createMemoryBroker(limits, config.now, encodeTextFrame),
    brokerStatus: null,
    anchors: createEmbeddedAnchor(storage, config.now),
    presenceSlices: NO_OTHER_NODES,
    metricsSlices: ONLY_THIS_NODE,
    brokerReady: Promise.resolve(),
    closeBroker: () => Promise.resolve(),
  };
};

/**
 * Builds the parts left out of `parts` from `config`, and checks the ones given. Cluster mode's
 * engines are loaded only in cluster mode: an embedded node never loads `pg` or `redis`.
 */
export async function resolveParts(
  parts: LivelineParts,
  config: ResolvedServerOptions,
): Promise<ResolvedParts> {
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
          videosDir: config.videosDir,
          nodeId: config.nodeId,
          shared: config.databaseUrl !== null,
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
  // Every given part is checked before any engine is built: a refused one leaves nothing open.
  const given: GivenEngines = {
    broker: parts.broker ? checkPart('broker', parts.broker, REQUIRED_METHODS.broker) : null,
    storage: parts.storage ? checkPart('storage', parts.storage, REQUIRED_METHODS.storage) : null,
  };
  const limits = {
    maxEvents: config.historyMaxEvents,
    maxAgeMs: config.historyMaxAgeMs,
    maxBytes: config.historyMaxBytes,
  };
  const { databaseUrl, redisUrl } = config;
  const engines =
    databaseUrl !== null && redisUrl !== null
      ? (await import('./createClusterEngines.js')).createClusterEngines({
          given,
          databaseUrl,
          redisUrl,
          nodeId: config.nodeId,
          limits,
          now: config.now,
          subscribeConfirmMs: config.subscribeConfirmMs,
          log,
        })
      : embeddedEngines(given, config, limits, log);
  return {
    ...engines,
    log,
    ownsStorage: !parts.storage,
    mode: databaseUrl === null ? 'embedded' : 'cluster',
    stages,
  };
}
