import { percentile } from '../lib/percentile.js';
import type { Endpoint } from './Endpoint.js';
import type { LoadJob, LoadResult } from './LoadJob.js';
import { openMany, waitUntil } from './openMany.js';
import type { Phases } from './Phases.js';
import { publishAtRate } from './publishAtRate.js';

/** How long deliveries may trail the last publish, in ms. */
const DRAIN_MS = 5_000;

/** C clients in one room, a publisher at M msg/s: delivery, latency from the publisher's send time. */
export async function runFanout(
  endpoint: Endpoint,
  job: Extract<LoadJob, { kind: 'fanout' }>,
  phases: Phases,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let measuring = false;
  const receivers = await openMany(job.clients, () =>
    endpoint.openRoom((stamp) => {
      if (measuring) latencies.push(performance.now() - stamp.t);
    }),
  );
  const publisher = await endpoint.openPublisher();
  await phases.ready();
  measuring = true;
  const end = performance.now() + job.durationMs;
  const published = await publishAtRate(publisher, job.rate, () => performance.now() >= end);
  const expected = published * job.clients;
  await waitUntil(() => latencies.length >= expected, DRAIN_MS);
  const delivered = latencies.length;
  for (const connection of [publisher, ...receivers]) connection.close();
  return {
    published,
    delivered,
    deliveredPerSecond: delivered / (job.durationMs / 1000),
    deliveryPercent: (100 * delivered) / Math.max(1, expected),
    latencyP50Ms: percentile(latencies, 0.5),
    latencyP99Ms: percentile(latencies, 0.99),
  };
}
