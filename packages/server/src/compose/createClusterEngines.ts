import { createClusterAnchor } from '../cluster/createClusterAnchor.js';
import { createRedisLatestBus } from '../cluster/createRedisLatestBus.js';
import { createRedisMetricsSlices } from '../cluster/createRedisMetricsSlices.js';
import { createRedisPresenceSlices } from '../cluster/createRedisPresenceSlices.js';
import type { Logger } from '../log/createLogger.js';
import type { Broker } from '../rooms/Broker.js';
import type { HistoryLimits } from '../rooms/createMemoryBroker.js';
import { createRedisBroker, type RedisBroker } from '../rooms/createRedisBroker.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';
import type { Engines, GivenEngines } from './resolveParts.js';

/**
 * `given`, or else the Redis broker `make` builds, answered also as `made`: only a broker the
 * server made is closed by it and reported by /health.
 */
const givenOrMade = (
  given: Broker | null,
  make: () => RedisBroker,
): { readonly broker: Broker; readonly made: RedisBroker | null } => {
  if (given) return { broker: given, made: null };
  const made = make();
  return { broker: made, made };
};

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
  readonly subscribeConfirmMs: number;
  readonly log: Logger;
}): Engines {
  const { given, log, nodeId } = deps;
  const { broker, made: redis } = givenOrMade(given.broker, () =>
    createRedisBroker({
      url: deps.redisUrl,
      limits: deps.limits,
      now: deps.now,
      encode: encodeTextFrame,
      log,
      subscribeConfirmMs: deps.subscribeConfirmMs,
    }),
  );
  const storage = given.storage ?? createPostgresStorage({ url: deps.databaseUrl, log });
  // Its refusals are the broker's: /health reports them with the broker's causes.
  const bus = createRedisLatestBus({
    url: deps.redisUrl,
    log,
    ...(redis && { refusals: redis.refusals }),
  });
  const presence = createRedisPresenceSlices({ bus, nodeId });
  const metrics = createRedisMetricsSlices({ bus, nodeId });
  const anchors = createClusterAnchor(storage, bus, log, () => metrics.others().length);
  return {
    storage,
    broker,
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
