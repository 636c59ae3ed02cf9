import { createClusterAnchor } from '../cluster/createClusterAnchor.js';
import { createRedisLatestBus } from '../cluster/createRedisLatestBus.js';
import { createRedisMetricsSlices } from '../cluster/createRedisMetricsSlices.js';
import { createRedisPresenceSlices } from '../cluster/createRedisPresenceSlices.js';
import type { Logger } from '../log/createLogger.js';
import type { HistoryLimits } from '../rooms/createMemoryBroker.js';
import { createRedisBroker, type RedisBroker } from '../rooms/createRedisBroker.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';
import type { Engines, GivenEngines } from './resolveParts.js';

/**
 * The engines of cluster mode: PostgreSQL stores, Redis carries the rooms (unless a storage or
 * broker is given) and the latest rooms that hold shared state (the transport anchor, presence,
 * the coordinator metrics and agent statuses) reach every node through both. resolveParts loads
 * this module only in cluster mode, so that an embedded node never loads `pg` or `redis`.
 */
export function createClusterEngines(deps: {
  readonly given: GivenEngines;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  readonly nodeId: string;
  readonly limits: HistoryLimits;
  readonly now: () => number;
  readonly log: Logger;
}): Engines {
  const { given, log, nodeId } = deps;
  // Made here (and so closed and reported by /health) unless a broker is given.
  const redis = given.broker
    ? null
    : createRedisBroker({
        url: deps.redisUrl,
        limits: deps.limits,
        now: deps.now,
        encode: encodeTextFrame,
        log,
      });
  const storage = given.storage ?? createPostgresStorage({ url: deps.databaseUrl, log });
  const bus = createRedisLatestBus({ url: deps.redisUrl, log });
  const presence = createRedisPresenceSlices({ bus, nodeId });
  const metrics = createRedisMetricsSlices({ bus, nodeId });
  const anchors = createClusterAnchor(storage, bus, log);
  return {
    storage,
    broker: given.broker ?? (redis as RedisBroker),
    brokerStatus: redis ? () => redis.status() : null,
    anchors,
    presenceSlices: presence,
    metricsSlices: metrics,
    brokerReady: Promise.all([redis?.ready, bus.ready]).then(() => undefined),
    closeBroker: () => {
      anchors.close();
      // This node's people and agents leave the others' summaries before its connections go.
      const replication = Promise.all([presence.close(), metrics.close()]).then(() => bus.close());
      return Promise.all([redis?.close(), replication]).then(() => undefined);
    },
  };
}
