import type { Endpoint } from './Endpoint.js';
import { JOB_DEADLINE_MS, type LoadJob, type LoadResult } from './LoadJob.js';
import { openMany, sleep } from './openMany.js';
import type { Phases } from './Phases.js';

/**
 * The publisher sends one op, and the next once every client has the last one: nothing queues,
 * so a server's CPU over the metered ops, divided by their number, is its cost of one event with
 * that many clients of its own (event-cost). With `pauseMs` the servers sleep between events, as
 * at a steady rate. Clients are dealt round-robin to `receiverPorts`.
 */
export async function runClosedLoop(
  endpointAt: (port: number) => Endpoint,
  job: Extract<LoadJob, { kind: 'closed-loop' }>,
  phases: Phases,
): Promise<LoadResult> {
  if (job.clients < 1) throw new Error('closed-loop needs at least one client');
  const ports = job.receiverPorts ?? [job.port];
  let received = 0;
  let arrived: () => void = () => undefined;
  const receivers = await openMany(job.clients, (i) =>
    endpointAt(ports[i % ports.length] ?? job.port).openRoom(() => {
      received += 1;
      if (received % job.clients === 0) arrived();
    }),
  );
  const publisher = await endpointAt(job.port).openPublisher();
  let p = 0;
  const deliver = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const stuck = setTimeout(
        () =>
          reject(new Error(`op ${p} reached ${received % job.clients} of ${job.clients} clients`)),
        JOB_DEADLINE_MS / 4,
      );
      arrived = () => {
        clearTimeout(stuck);
        resolve();
      };
      p += 1;
      publisher.publish({ p, t: performance.now() });
    });
  const step = async (): Promise<void> => {
    await deliver();
    if (job.pauseMs > 0) await sleep(job.pauseMs);
  };
  for (let i = 0; i < job.warmupOps; i += 1) await step();
  await phases.ready();
  const start = performance.now();
  for (let i = 0; i < job.ops; i += 1) await step();
  const elapsedMs = performance.now() - start;
  for (const connection of [publisher, ...receivers]) connection.close();
  return {
    published: job.ops,
    delivered: job.ops * job.clients,
    opsPerSecond: (1000 * job.ops) / elapsedMs,
  };
}
