import type { ClientConnection, Endpoint } from './Endpoint.js';
import type { LoadJob, LoadResult } from './LoadJob.js';
import type { Phases } from './Phases.js';

/** N clients connect at once; the connections stay open until the orchestrator read the server's memory. */
export async function runConnectStorm(
  endpoint: Endpoint,
  job: Extract<LoadJob, { kind: 'connect-storm' }>,
  phases: Phases,
  keep: (connections: ClientConnection[]) => void,
): Promise<LoadResult> {
  await phases.ready();
  const start = performance.now();
  const settled = await Promise.allSettled(
    Array.from({ length: job.clients }, () => endpoint.openIdle()),
  );
  const allOpenMs = performance.now() - start;
  const opened = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  keep(opened);
  return { opened: opened.length, failures: job.clients - opened.length, allOpenMs };
}
