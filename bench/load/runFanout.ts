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
 */
export async function runFanout(
  endpointAt: (port: number) => Endpoint,
  job: Extract<LoadJob, { kind: 'fanout' }>,
  phases: Phases,
): Promise<LoadResult> {
  const ports = job.receiverPorts ?? [job.port];
  const endpoints = ports.map((port) => endpointAt(port));
  const latencies = ports.map((): number[] => []);
  let measuring = false;
  const receivers = await openMany(job.clients, (i) => {
    const at = i % ports.length;
    return (
      endpoints[at]?.openRoom((stamp) => {
        if (measuring) latencies[at]?.push(performance.now() - stamp.t);
      }) ?? Promise.reject(new Error(`no endpoint for receiver ${i}`))
    );
  });
  const publisher = await (
    endpoints[ports.indexOf(job.port)] ?? endpointAt(job.port)
  ).openPublisher();
  await phases.ready();
  measuring = true;
  const end = performance.now() + job.durationMs;
  const published = await publishAtRate(publisher, job.rate, () => performance.now() >= end);
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
