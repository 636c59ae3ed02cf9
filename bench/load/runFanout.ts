import { percentile } from '../lib/percentile.js';
import type { Endpoint } from './Endpoint.js';
import type { LoadJob, LoadResult } from './LoadJob.js';
import { openMany, waitUntil } from './openMany.js';
import type { Phases } from './Phases.js';
import { publishAtRate } from './publishAtRate.js';

/** How long deliveries may trail the last publish, in ms. */
const DRAIN_MS = 5_000;

/**
 * C clients in one room, a publisher at M msg/s on `job.port`: delivery, latency from the
 * publisher's send time. With `receiverPorts` (cluster-fanout) the clients are dealt round-robin
 * to those servers, and each one's delivery and latency are reported too, suffixed `@<index>`.
 * With `warmupMs`, the publisher publishes that long first and the measurement starts once every
 * client has those messages; they are not counted.
 */
export async function runFanout(
  endpointAt: (port: number) => Endpoint,
  job: Extract<LoadJob, { kind: 'fanout' }>,
  phases: Phases,
): Promise<LoadResult> {
  const ports = job.receiverPorts ?? [job.port];
  const endpoints = ports.map((port) => endpointAt(port));
  const latencies = ports.map((): number[] => []);
  // The counter of the first measured message; those before it are the warm-up's.
  let firstMeasured = Infinity;
  let warmDelivered = 0;
  const receivers = await openMany(job.clients, (i) => {
    const at = i % ports.length;
    return (
      endpoints[at]?.openRoom((stamp) => {
        if (stamp.p >= firstMeasured) latencies[at]?.push(performance.now() - stamp.t);
        else warmDelivered += 1;
      }) ?? Promise.reject(new Error(`no endpoint for receiver ${i}`))
    );
  });
  const publisher = await (
    endpoints[ports.indexOf(job.port)] ?? endpointAt(job.port)
  ).openPublisher();
  const warmEnd = performance.now() + (job.warmupMs ?? 0);
  const warm = await publishAtRate(publisher, job.rate, () => performance.now() >= warmEnd);
  await waitUntil(() => warmDelivered >= warm * job.clients, DRAIN_MS);
  await phases.ready();
  firstMeasured = warm + 1;
  const end = performance.now() + job.durationMs;
  const published = await publishAtRate(publisher, job.rate, () => performance.now() >= end, warm);
  const expected = published * job.clients;
  const delivered = (): number => latencies.reduce((sum, l) => sum + l.length, 0);
  await waitUntil(() => delivered() >= expected, DRAIN_MS);
  for (const connection of [publisher, ...receivers]) connection.close();
  const all = latencies.flat();
  const perServer: Record<string, number> =
    ports.length === 1
      ? {}
      : Object.fromEntries(
          latencies.flatMap((l, i) => [
            [`delivered@${i}`, l.length],
            [`latencyP50Ms@${i}`, percentile(l, 0.5)],
            [`latencyP99Ms@${i}`, percentile(l, 0.99)],
          ]),
        );
  return {
    published,
    delivered: all.length,
    deliveredPerSecond: all.length / (job.durationMs / 1000),
    deliveryPercent: (100 * all.length) / Math.max(1, expected),
    latencyP50Ms: percentile(all, 0.5),
    latencyP99Ms: percentile(all, 0.99),
    ...perServer,
  };
}
