import { execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestPostgres } from '../../packages/server/src/test-utils/engines/startPostgres.js';
import type { TestRedis } from '../../packages/server/src/test-utils/engines/startRedis.js';
import { createCpuMeter, type CpuReading } from '../lib/createCpuMeter.js';
import { processCpuMicros } from '../lib/procStats.js';
import { spawnNode, stopChild } from '../lib/spawnNode.js';
import type { LoadResult, ToWorker } from '../load/LoadJob.js';
import { LOAD_CORE, nextMessage, startServer } from '../scenarios/measureOnce.js';

/**
 * How the fanout is served: one node on its embedded storage (the `liveline` peer), one node in
 * cluster mode (PostgreSQL + Redis), or two cluster nodes with the publisher on the first and the
 * clients dealt to both.
 */
export const CLUSTER_SETUPS = ['single', 'cluster-1', 'cluster-2'] as const;
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

/** The fanout's size. */
export interface FanoutSize {
  readonly clients: number;
  readonly rate: number;
  readonly durationMs: number;
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

let databases = 0;

/**
 * Runs the fanout once on `setup`: fresh data directories, a fresh database and an emptied Redis
 * for the cluster setups, every node pinned to the server core (so they share it, as two
 * processes on one small machine do) and one generator on the other core holding every client
 * and the publisher, so latencies compare one clock. Meters each node's CPU and Redis' counters
 * between `go` and `done`; stops every process it started by PID.
 */
export async function measureCluster(
  setup: ClusterSetup,
  engines: { postgres: TestPostgres; redis: TestRedis },
  size: FanoutSize,
): Promise<ClusterMeasurement> {
  const children: ChildProcess[] = [];
  const dirs: string[] = [];
  try {
    const cluster: Record<string, string> = {};
    if (setup !== 'single') {
      databases += 1;
      cluster.DATABASE_URL = await engines.postgres.createDatabase(`fanout_${databases}`);
      cluster.REDIS_URL = engines.redis.url;
      execFileSync('redis-cli', ['-u', engines.redis.url, 'FLUSHALL']);
      execFileSync('redis-cli', ['-u', engines.redis.url, 'CONFIG', 'RESETSTAT']);
    }
    const nodes = [];
    for (let i = 0; i < (setup === 'cluster-2' ? 2 : 1); i += 1) {
      const dir = mkdtempSync(join(tmpdir(), 'liveline-bench-'));
      dirs.push(dir);
      const env = { ...cluster, DATA_DIR: dir, NODE_ID: `node-${i}` };
      const node = await startServer('liveline', env, {});
      children.push(node.child);
      nodes.push(node.ready);
    }
    const ports = nodes.map((node) => node.port);
    const worker = spawnNode(new URL('../load/loadWorker.ts', import.meta.url), {
      core: LOAD_CORE,
      ipc: true,
    });
    children.push(worker);
    worker.send({
      type: 'job',
      job: { kind: 'fanout', peer: 'liveline', port: ports[0] ?? 0, receiverPorts: ports, ...size },
    } satisfies ToWorker);
    await nextMessage(worker, 'ready');
    const redisBefore = setup === 'single' ? null : readRedis(engines.redis);
    const meters = nodes.map((node) => createCpuMeter(node.pid, [worker.pid ?? 0]));
    const done = nextMessage(worker, 'done');
    worker.send({ type: 'go' } satisfies ToWorker);
    const { output } = await done;
    const readings = meters.map((meter) => meter.read());
    const redis = redisBefore && trafficSince(redisBefore, readRedis(engines.redis));
    worker.send({ type: 'exit' } satisfies ToWorker);
    if (output.kind !== 'numbers') throw new Error('the fanout generator reported no numbers');
    return { load: output.result, nodes: readings, redis };
  } finally {
    for (const child of children.reverse()) await stopChild(child);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
