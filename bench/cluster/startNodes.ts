import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestPostgres } from '../../packages/server/src/test-utils/engines/startPostgres.js';
import type { TestRedis } from '../../packages/server/src/test-utils/engines/startRedis.js';
import { stopChild } from '../lib/spawnNode.js';
import type { PeerReady } from '../peers/peerReady.js';
import { startServer } from '../scenarios/measureOnce.js';

/** The engines a cluster run uses; each run gets a fresh database and an emptied Redis. */
export interface ClusterEngines {
  readonly postgres: TestPostgres;
  readonly redis: TestRedis;
}

/** The nodes of one run, and how to stop them. */
export interface RunNodes {
  readonly nodes: readonly PeerReady[];
  /** Stops every node by PID and removes their data directories. */
  stop(): Promise<void>;
}

let databases = 0;

/**
 * Starts `count` Liveline nodes, each pinned to the server core with a fresh data directory:
 * embedded when `engines` is null, else cluster nodes on a new database and a flushed Redis whose
 * counters are reset. With `cpuProfDir`, node i writes a `.cpuprofile` into `cpuProfDir/node-i`
 * when it stops. Whatever fails, what was started is stopped.
 */
export async function startNodes(
  count: number,
  engines: ClusterEngines | null,
  cpuProfDir?: string,
): Promise<RunNodes> {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  const nodes: PeerReady[] = [];
  const stop = async (): Promise<void> => {
    for (const child of children.reverse()) await stopChild(child);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const cluster: Record<string, string> = {};
    if (engines) {
      databases += 1;
      cluster.DATABASE_URL = await engines.postgres.createDatabase(`bench_${databases}`);
      cluster.REDIS_URL = engines.redis.url;
      execFileSync('redis-cli', ['-u', engines.redis.url, 'FLUSHALL']);
      execFileSync('redis-cli', ['-u', engines.redis.url, 'CONFIG', 'RESETSTAT']);
    }
    for (let i = 0; i < count; i += 1) {
      const dir = mkdtempSync(join(tmpdir(), 'liveline-bench-'));
      dirs.push(dir);
      const node = await startServer(
        'liveline',
        { ...cluster, DATA_DIR: dir, NODE_ID: `node-${i}` },
        cpuProfDir ? { cpuProfDir: join(cpuProfDir, `node-${i}`) } : {},
      );
      children.push(node.child);
      nodes.push(node.ready);
    }
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
