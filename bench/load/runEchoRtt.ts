import { percentile } from '../lib/percentile.js';
import type { Endpoint } from './Endpoint.js';
import type { LoadJob, LoadResult } from './LoadJob.js';
import type { Phases } from './Phases.js';

/** Round trips before measuring, so JIT warm-up is not counted. */
const WARMUP_PROBES = 500;

/** One client, `count` sequential `time_sync` round trips. */
export async function runEchoRtt(
  endpoint: Endpoint,
  job: Extract<LoadJob, { kind: 'echo-rtt' }>,
  phases: Phases,
): Promise<LoadResult> {
  const client = await endpoint.openEcho();
  for (let id = 0; id < WARMUP_PROBES; id += 1) await client.probe(id);
  await phases.ready();
  const rtts: number[] = [];
  for (let id = WARMUP_PROBES; id < WARMUP_PROBES + job.count; id += 1) {
    const start = performance.now();
    await client.probe(id);
    rtts.push(performance.now() - start);
  }
  client.close();
  return {
    delivered: rtts.length,
    rttP50Ms: percentile(rtts, 0.5),
    rttP99Ms: percentile(rtts, 0.99),
  };
}
