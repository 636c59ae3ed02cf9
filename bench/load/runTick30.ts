import { percentile } from '../lib/percentile.js';
import type { Endpoint } from './Endpoint.js';
import type { LoadJob, LoadResult } from './LoadJob.js';
import { openMany, sleep } from './openMany.js';
import type { Phases } from './Phases.js';

const PERIOD_MS = 1000 / 30;

/**
 * C clients on the 30 Hz clock. Jitter is how far each inter-arrival gap strays from the period;
 * drift is how far a client's span of ticks strays from (ticks − 1) periods.
 */
export async function runTick30(
  endpoint: Endpoint,
  job: Extract<LoadJob, { kind: 'tick30' }>,
  phases: Phases,
): Promise<LoadResult> {
  const arrivals: number[][] = Array.from({ length: job.clients }, () => []);
  let measuring = false;
  const clients = await openMany(job.clients, (i) =>
    endpoint.openClock(() => {
      if (measuring) arrivals[i]?.push(performance.now());
    }),
  );
  await phases.ready();
  measuring = true;
  await sleep(job.durationMs);
  measuring = false;
  for (const client of clients) client.close();
  const jitter: number[] = [];
  const drift: number[] = [];
  let ticks = 0;
  for (const times of arrivals) {
    ticks += times.length;
    for (let i = 1; i < times.length; i += 1)
      jitter.push(Math.abs((times[i] ?? 0) - (times[i - 1] ?? 0) - PERIOD_MS));
    if (times.length > 1)
      drift.push(Math.abs((times.at(-1) ?? 0) - (times[0] ?? 0) - (times.length - 1) * PERIOD_MS));
  }
  return {
    delivered: ticks,
    expectedTicks: (job.durationMs / PERIOD_MS) * job.clients,
    jitterP50Ms: percentile(jitter, 0.5),
    jitterP99Ms: percentile(jitter, 0.99),
    driftMedianMs: percentile(drift, 0.5),
  };
}
