import { createClusterAnchor } from '../cluster/createClusterAnchor.js';
import { createRedisLatestBus } from '../cluster/createRedisLatestBus.js';
import type { AnchorReplica } from '../domains/transport/AnchorReplica.js';
import { createEmbeddedAnchor } from '../domains/transport/createEmbeddedAnchor.js';
import type { Logger } from '../log/createLogger.js';
import type { Storage } from '../storage/Storage.js';

/** How the latest rooms that hold shared state (the transport anchor) reach every node. */
export interface LatestReplication {
  readonly anchors: AnchorReplica;
  /** Settles once the replication's connections are up, or it has given up waiting for them. */
  readonly ready: Promise<void>;
  /** Closes what the replication opened. */
  close(): Promise<void>;
}

/**
 * The embedded node's replication (in process: the anchor is a document of its storage), or, in
 * cluster mode (`redisUrl` given), the cluster's on `storage` (PostgreSQL) and Redis.
 */
export function createLatestReplication(deps: {
  readonly storage: Storage;
  readonly redisUrl: string | null;
  readonly log: Logger;
  readonly now: () => number;
}): LatestReplication {
  const { storage, log } = deps;
  if (deps.redisUrl === null)
    return {
      anchors: createEmbeddedAnchor(storage, deps.now),
      ready: Promise.resolve(),
      close: () => Promise.resolve(),
    };
  const bus = createRedisLatestBus({ url: deps.redisUrl, log });
  return {
    anchors: createClusterAnchor(storage, bus, log),
    ready: bus.ready,
    close: () => bus.close(),
  };
}
