/**
 * The two-node fanout (issue 18, "Performance"), run by hand on a quiet machine:
 * `pnpm --filter @liveline/bench cluster-fanout [--clients 1000] [--rate 50] [--duration 10]
 * [--warmup 20] [--reps 3] [--cpu-prof dir]`. It starts a real PostgreSQL and Redis
 * (test-utils/engines), then per repetition runs the same fanout on one embedded node (with all
 * the clients, then with one node's share of them), one cluster node, and two cluster nodes
 * (publisher on node 0, clients dealt to both), and reports each node's CPU per delivered
 * message, its clients' latency, and Redis' commands and bytes per published event: one publish
 * per event, delivered once to each subscribed node, never once per client. Each run publishes
 * `--warmup` seconds at the same rate first, unmetered, so that what is metered is the nodes'
 * steady state, not V8 compiling their publish paths (a cluster publisher's, through pg and
 * node-redis, took longest). `--cpu-prof dir` writes each node's `.cpuprofile` into
 * `dir/<rep>-<setup>/node-<i>`.
 * A few seconds' proof that it works: `--clients 100 --duration 2 --warmup 1 --reps 1`.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgresAndRedis } from '../packages/server/src/test-utils/engines/startPostgresAndRedis.js';
import {
  CLUSTER_SETUPS,
  clientsOf,
  measureCluster,
  type ClusterMeasurement,
  type ClusterSetup,
} from './cluster/measureCluster.js';
import { formatNumber, formatTable } from './lib/formatTable.js';
import { median } from './lib/percentile.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '50' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '20' },
    reps: { type: 'string', default: '3' },
    'cpu-prof': { type: 'string' },
  },
});
const size = {
  clients: Number(values.clients),
  rate: Number(values.rate),
  durationMs: Number(values.duration) * 1000,
  warmupMs: Number(values.warmup) * 1000,
};

/** One node's share of a run: its clients' deliveries and latency, and its CPU per delivery. */
interface NodeRow {
  readonly setup: ClusterSetup;
  readonly node: number;
  readonly delivered: number;
  readonly cpuPerDelivered: number;
  readonly p50: number;
  readonly p99: number;
}

const nodeRows = (setup: ClusterSetup, m: ClusterMeasurement): NodeRow[] =>
  m.nodes.map((cpu, node) => {
    // With one node the generator reports only the totals.
    const at = (key: string) => m.load[m.nodes.length === 1 ? key : `${key}@${node}`] ?? NaN;
    const delivered = at('delivered');
    return {
      setup,
      node,
      delivered,
      cpuPerDelivered: cpu.serverMicros / delivered,
      p50: at('latencyP50Ms'),
      p99: at('latencyP99Ms'),
    };
  });

/**
 * Redis per published event: every command (Redis counts those a script runs too: the publish
 * script's dozen calls are one round trip), EVALSHA (the publish script) and PUBLISH, bytes.
 */
const redisRow = (setup: ClusterSetup, m: ClusterMeasurement): string[] => {
  const published = m.load.published ?? NaN;
  const redis = m.redis;
  if (!redis) return [setup, '—', '—', '—', '—', '—', '—'];
  const commands = Object.values(redis.calls).reduce((sum, n) => sum + n, 0);
  return [
    setup,
    formatNumber(published),
    formatNumber(commands / published),
    formatNumber((redis.calls.evalsha ?? 0) / published),
    formatNumber((redis.calls.publish ?? 0) / published),
    formatNumber(redis.outputBytes / published),
    formatNumber(redis.cpuMicros / published),
  ];
};

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. ` +
    `Fanout ${size.clients} clients × ${size.rate}/s for ${values.duration} s after ${values.warmup} s unmetered, ` +
    `${values.reps} repetition(s).\n`,
);
const [postgres, redis] = await startPostgresAndRedis();
const nodes: NodeRow[] = [];
const redisRows: string[][] = [];
try {
  for (let rep = 0; rep < Number(values.reps); rep += 1)
    for (const setup of CLUSTER_SETUPS) {
      process.stderr.write(`cluster-fanout rep ${rep + 1}, ${setup}…\n`);
      const dir = values['cpu-prof'];
      const profiles = dir === undefined ? undefined : join(dir, `${rep + 1}-${setup}`);
      const m = await measureCluster(setup, { postgres, redis }, size, profiles);
      const delivery =
        (100 * (m.load.delivered ?? 0)) /
        ((m.load.published ?? 0) * clientsOf(setup, size.clients));
      process.stderr.write(`  delivered ${formatNumber(delivery)} %\n`);
      nodes.push(...nodeRows(setup, m));
      redisRows.push(redisRow(setup, m));
    }
} finally {
  await Promise.all([postgres.stop(), redis.stop()]);
}

console.log(
  formatTable(
    ['setup', 'node', 'delivered', 'cpu µs/delivered', 'p50 ms', 'p99 ms'],
    nodes.map((r) => [
      r.setup,
      String(r.node),
      formatNumber(r.delivered),
      formatNumber(r.cpuPerDelivered),
      formatNumber(r.p50),
      formatNumber(r.p99),
    ]),
  ),
);
console.log(
  `\n${formatTable(
    [
      'setup',
      'events',
      "redis cmds/event (scripts' included)",
      'evalsha/event',
      'publish/event',
      'out B/event',
      'redis cpu µs/event',
    ],
    redisRows,
  )}`,
);

/** The median of `metric` over `setup`'s node `node`, as a ratio to `reference`'s one node's. */
const vsSingle = (
  setup: ClusterSetup,
  node: number,
  metric: (r: NodeRow) => number,
  reference: ClusterSetup = 'single',
): string => {
  const med = (s: ClusterSetup, n: number) =>
    median(nodes.filter((r) => r.setup === s && r.node === n).map(metric));
  return formatNumber(med(setup, node) / med(reference, 0));
};
const MEASURES: readonly [string, (r: NodeRow) => number][] = [
  ['cpu µs/delivered', (r) => r.cpuPerDelivered],
  ['p50 ms', (r) => r.p50],
  ['p99 ms', (r) => r.p99],
];
console.log(
  `\nMedians as a ratio to one embedded node's (node 1 has no publisher: its clients' latency is cross-node):\n\n${formatTable(
    ['measure', 'cluster-1 node 0', 'cluster-2 node 0', 'cluster-2 node 1'],
    MEASURES.map(([label, metric]) => [
      label,
      vsSingle('cluster-1', 0, metric),
      vsSingle('cluster-2', 0, metric),
      vsSingle('cluster-2', 1, metric),
    ]),
  )}`,
);
// Per delivered message, a node's fixed cost per event (the op, storage) is shared by the clients
// it serves: halving them raises it even with no cluster cost at all, so the cost of cluster mode
// alone shows against an embedded node that serves as many clients as the cluster node. That is
// issue 18's target (docs/decisions.md); `--clients 2000` gives each node the single-node fanout's
// 1000.
const cpu = (r: NodeRow) => r.cpuPerDelivered;
console.log(
  `\nCPU per delivered message over one embedded node serving the same clients as the node ` +
    `(${clientsOf('single-share', size.clients)}, single-share; issue 18's target: ≤ 1.25), medians: cluster-2 node 0 ` +
    `${vsSingle('cluster-2', 0, cpu, 'single-share')}, node 1 ${vsSingle('cluster-2', 1, cpu, 'single-share')}.`,
);
/** CPU per delivered message of one node's rows, in repetition order. */
const cpuOf = (setup: ClusterSetup, node: number): number[] =>
  nodes.filter((r) => r.setup === setup && r.node === node).map(cpu);
/**
 * The median and range of `numerator`'s over `denominator`'s figure repetition by repetition: the
 * two ran at most a minute apart, so the machine's drift over a sitting mostly cancels.
 */
const paired = (numerator: number[], denominator: number[]): string => {
  const ratios = numerator.map((n, rep) => n / (denominator[rep] ?? NaN));
  const spread = `${formatNumber(Math.min(...ratios))}–${formatNumber(Math.max(...ratios))}`;
  return `${formatNumber(median(ratios))} (${spread})`;
};
console.log(
  `\nThe publisher's node over one embedded node with all the clients, repetition by repetition ` +
    `(median, range): ${paired(cpuOf('cluster-2', 0), cpuOf('single', 0))}; over one with the ` +
    `same clients: ${paired(cpuOf('cluster-2', 0), cpuOf('single-share', 0))}.`,
);
console.log(
  `\nThe publisher's node over the other, in the same repetitions (both ran at once, so the ` +
    `machine's drift cancels): ${paired(cpuOf('cluster-2', 0), cpuOf('cluster-2', 1))} × CPU ` +
    `per delivered message (median, range).`,
);
