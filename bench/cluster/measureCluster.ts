import { execFileSync } from 'node:child_process';
import type { TestRedis } from '../../packages/server/src/test-utils/engines/startRedis.js';
import type { CpuReading } from '../lib/createCpuMeter.js';
import { processCpuMicros } from '../lib/procStats.js';
import type { LoadResult } from '../load/LoadJob.js';
import { meterJob } from './meterJob.js';
import { startNodes, type ClusterEngines } from './startNodes.js';

/**
 * How the fanout is served: one node on its embedded storage (the `liveline` peer) with all the
 * clients, the same with one node's share of them (half: what each node of `cluster-2` serves), one
 * node in cluster mode (PostgreSQL + Redis), or two cluster nodes with the publisher on the first
 * and the clients dealt to both.
 */
export const CLUSTER_SETUPS = ['single', 'single-share', 'cluster-1', 'cluster-2'] as const;
/** One of {@link CLUSTER_SETUPS}. */
export type ClusterSetup = (typeof CLUSTER_SETUPS)[number];

/** Redis counters over a run: commands by name, and bytes in and out. */
export interface RedisTraffic {
  readonly calls: Readonly<Record<string, number>>;
  readonly inputBytes: number;
  readonly outputBytes: number;
  /** CPU Redis used, in µs. */
  readonly cpuMicros: number;
}

/** One run of the fanout on one setup. */
export interface ClusterMeasurement {
  readonly load: LoadResult;
  /** Per node, in the order of the generator's `@<index>` results. */
  readonly nodes: readonly CpuReading[];
  /** Null for `single`, which uses no Redis. */
  readonly redis: RedisTraffic | null;
}

/** The clients `setup` serves of a fanout of `clients`: `single-share` serves node 0's share. */
export const clientsOf = (setup: ClusterSetup, clients: number): number =>
  setup === 'single-share' ? Math.ceil(clients / 2) : clients;

/** The fanout's size, and how long it publishes unmetered first (see the fanout job). */
export interface FanoutSize {
  readonly clients: number;
  readonly rate: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

/** `INFO` of the Redis at `url` as `field → value`. */
const redisInfo = (url: string, section: string): Map<string, string> => {
  const text = execFileSync('redis-cli', ['-u', url, 'INFO', section], { encoding: 'utf8' });
  return new Map(
    text.split(/\r?\n/).flatMap((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? [[line.slice(0, colon), line.slice(colon + 1)] as const] : [];
    }),
  );
};

/** Calls per command (`cmdstat_publish:calls=12,…` → `publish: 12`) and the byte counters. */
const readRedis = (redis: TestRedis) => {
  const calls: Record<string, number> = {};
  for (const [key, value] of redisInfo(redis.url, 'commandstats'))
    if (key.startsWith('cmdstat_')) calls[key.slice(8)] = Number(/calls=(\d+)/.exec(value)?.[1]);
  const stats = redisInfo(redis.url, 'stats');
  return {
    calls,
    inputBytes: Number(stats.get('total_net_input_bytes')),
    outputBytes: Number(stats.get('total_net_output_bytes')),
    cpuMicros: processCpuMicros(redis.process.pid),
  };
};

const trafficSince = (before: RedisTraffic, after: RedisTraffic): RedisTraffic => ({
  calls: Object.fromEntries(
    Object.entries(after.calls).map(([name, n]) => [name, n - (before.calls[name] ?? 0)]),
  ),
  inputBytes: after.inputBytes - before.inputBytes,
  outputBytes: after.outputBytes - before.outputBytes,
  cpuMicros: after.cpuMicros - before.cpuMicros,
});

/**
 * Runs the fanout once on `setup` (see {@link startNodes}: fresh data, database and Redis; every
 * node pinned to the server core, so they share it, as two processes on one small machine do) with
 * the publisher on node 0 and the clients dealt to every node, and reads Redis' counters over the
 * metered window. With `cpuProfDir`, each node writes a `.cpuprofile` there (see startNodes).
 */
export async function measureCluster(
  setup: ClusterSetup,
  engines: ClusterEngines,
  size: FanoutSize,
  cpuProfDir?: string,
): Promise<ClusterMeasurement> {
  const embedded = setup === 'single' || setup === 'single-share';
  const run = await startNodes(
    setup === 'cluster-2' ? 2 : 1,
    embedded ? null : engines,
    cpuProfDir,
  );
  try {
    const ports = run.nodes.map((node) => node.port);
    const job = {
      kind: 'fanout',
      peer: 'liveline',
      port: ports[0] ?? 0,
      receiverPorts: ports,
      ...size,
      clients: clientsOf(setup, size.clients),
    } as const;
    const before: { redis?: RedisTraffic } = {};
    const { load, nodes } = await meterJob(job, run.nodes, () => {
      if (!embedded) before.redis = readRedis(engines.redis);
    });
    const redis = before.redis ? trafficSince(before.redis, readRedis(engines.redis)) : null;
    return { load, nodes, redis };
  } finally {
    await run.stop();
  }
}
