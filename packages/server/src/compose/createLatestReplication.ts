import { createClusterAnchor } from '../cluster/createClusterAnchor.js';
import { createRedisLatestBus } from '../cluster/createRedisLatestBus.js';
import { createRedisMetricsSlices } from '../cluster/createRedisMetricsSlices.js';
import { createRedisPresenceSlices } from '../cluster/createRedisPresenceSlices.js';
import { NO_OTHER_NODES, type PresenceSlices } from '../domains/board/PresenceSlices.js';
import { ONLY_THIS_NODE, type MetricsSlices } from '../domains/workflow/MetricsSlices.js';
import type { AnchorReplica } from '../domains/transport/AnchorReplica.js';
import { createEmbeddedAnchor } from '../domains/transport/createEmbeddedAnchor.js';
import type { Logger } from '../log/createLogger.js';
import type { Storage } from '../storage/Storage.js';

/**
 * How the latest rooms that hold shared state (the transport anchor, presence, the coordinator
 * metrics and agent statuses) reach every node.
 */
export interface LatestReplication {
  readonly anchors: AnchorReplica;
  readonly presence: PresenceSlices;
  readonly metrics: MetricsSlices;
  /** Settles once the replication's connections are up, or it has given up waiting for them. */
  readonly ready: Promise<void>;
  /** Closes what the replication opened. */
  close(): Promise<void>;
}

/**
 * The embedded node's replication (in process: the anchor is a document of its storage, and
 * there are no other nodes' people), or, in
 * cluster mode (`redisUrl` given), the cluster's on `storage` (PostgreSQL) and Redis.
 */
export function createLatestReplication(deps: {
  readonly storage: Storage;
  readonly redisUrl: string | null;
  readonly nodeId: string;
  readonly log: Logger;
  readonly now: () => number;
}): LatestReplication {
  const { storage, log } = deps;
  if (deps.redisUrl === null)
    return {
      anchors: createEmbeddedAnchor(storage, deps.now),
      presence: NO_OTHER_NODES,
      metrics: ONLY_THIS_NODE,
      ready: Promise.resolve(),
      close: () => Promise.resolve(),
    };
  const bus = createRedisLatestBus({ url: deps.redisUrl, log });
  const presence = createRedisPresenceSlices({ bus, nodeId: deps.nodeId });
  const metrics = createRedisMetricsSlices({ bus, nodeId: deps.nodeId });
  const anchors = createClusterAnchor(storage, bus, log);
  return {
    anchors,
    presence,
    metrics,
    ready: bus.ready,
    // This node's people and agents leave the others' summaries before its connections go.
    close: () => {
      anchors.close();
      return Promise.all([presence.close(), metrics.close()]).then(() => bus.close());
    },
  };
}
