/**
 * One node's CPU per event with no queueing, run by hand on a quiet machine:
 * `pnpm --filter @liveline/bench event-cost [--clients 300] [--ops 2000] [--reps 3] [--pause 0]
 * [--cpu-prof dir]`.
 * The publisher sends one board op at a time, the next once every client has the last one, and
 * node 0's CPU over the metered ops is divided by their number, in three roles with `--clients`
 * clients of its own: an embedded node with the publisher on it; a cluster node with the
 * publisher on it and a second node with as many clients; a cluster node whose publisher is on
 * the second node. Two runs with different `--clients` tell the fixed cost of an event from the
 * cost per client. `--pause ms` waits after each event, so the nodes sleep between events as at
 * a steady rate; cluster-fanout measures the same nodes at a steady rate. `--cpu-prof dir` writes
 * each node's `.cpuprofile` into `dir/<rep>-<role>/node-<i>`.
 * A few seconds' proof that it works: `--clients 10 --ops 200 --reps 1`.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgresAndRedis } from '../packages/server/src/test-utils/engines/startPostgresAndRedis.js';
import { meterJob } from './cluster/meterJob.js';
import { startNodes, type ClusterEngines } from './cluster/startNodes.js';
import { formatNumber, formatTable } from './lib/formatTable.js';
import { median } from './lib/percentile.js';

const { values } = parseArgs({
  options: {
    clients: { type: 'string', default: '300' },
    ops: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
    reps: { type: 'string', default: '3' },
    pause: { type: 'string', default: '0' },
    'cpu-prof': { type: 'string' },
  },
});
const clients = Number(values.clients);
const ops = Number(values.ops);

/** Where node 0 (the one metered) stands. */
const ROLES = ['embedded', 'cluster-publisher', 'cluster-receiver'] as const;
type Role = (typeof ROLES)[number];

/** Node 0's CPU per event, in µs, in `role`; profiles go to `cpuProfDir` if given. */
const measureRole = async (
  role: Role,
  engines: ClusterEngines,
  cpuProfDir?: string,
): Promise<number> => {
  const run = await startNodes(
    role === 'embedded' ? 1 : 2,
    role === 'embedded' ? null : engines,
    cpuProfDir,
  );
  try {
    const ports = run.nodes.map((node) => node.port);
    const job = {
      kind: 'closed-loop',
      peer: 'liveline',
      port: (role === 'cluster-receiver' ? ports[1] : ports[0]) ?? 0,
      receiverPorts: ports,
      clients: clients * ports.length,
      warmupOps: Number(values.warmup),
      ops,
      pauseMs: Number(values.pause),
    } as const;
    const { nodes } = await meterJob(job, run.nodes);
    return (nodes[0]?.serverMicros ?? NaN) / ops;
  } finally {
    await run.stop();
  }
};

console.log(
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. ` +
    `${clients} clients on the metered node, ${ops} ops, ${values.pause} ms pause, ${values.reps} repetition(s).\n`,
);
const [postgres, redis] = await startPostgresAndRedis();
const perEvent = new Map<Role, number[]>(ROLES.map((role) => [role, []]));
try {
  for (let rep = 0; rep < Number(values.reps); rep += 1)
    for (const role of ROLES) {
      process.stderr.write(`event-cost rep ${rep + 1}, ${role}…\n`);
      const dir = values['cpu-prof'];
      const profiles = dir === undefined ? undefined : join(dir, `${rep + 1}-${role}`);
      perEvent.get(role)?.push(await measureRole(role, { postgres, redis }, profiles));
    }
} finally {
  await Promise.all([postgres.stop(), redis.stop()]);
}

const embedded = median(perEvent.get('embedded') ?? []);
console.log(
  formatTable(
    ['node 0', 'µs/event (median)', 'repetitions', 'µs/event over embedded', 'µs/delivered'],
    ROLES.map((role) => {
      const all = perEvent.get(role) ?? [];
      const mid = median(all);
      return [
        role,
        formatNumber(mid),
        all.map(formatNumber).join(', '),
        formatNumber(mid - embedded),
        formatNumber(mid / clients),
      ];
    }),
  ),
);
