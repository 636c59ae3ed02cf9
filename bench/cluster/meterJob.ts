import { createCpuMeter, type CpuReading } from '../lib/createCpuMeter.js';
import { spawnNode, stopChild } from '../lib/spawnNode.js';
import type { LoadJob, LoadResult, ToWorker } from '../load/LoadJob.js';
import type { PeerReady } from '../peers/peerReady.js';
import { LOAD_CORE, nextMessage } from '../scenarios/measureOnce.js';

/** What one generator's job did, and each node's CPU over it. */
export interface MeteredJob {
  readonly load: LoadResult;
  /** Per node, in the order given. */
  readonly nodes: readonly CpuReading[];
}

/**
 * Runs `job` in one generator pinned to the load core (every client and the publisher, so
 * latencies compare one clock) and meters each node's CPU between `go` and `done`. `onGo` runs
 * right before `go` (to read other counters over the same window). Stops the generator by PID.
 */
export async function meterJob(
  job: LoadJob,
  nodes: readonly PeerReady[],
  onGo: () => void = () => undefined,
): Promise<MeteredJob> {
  const worker = spawnNode(new URL('../load/loadWorker.ts', import.meta.url), {
    core: LOAD_CORE,
    ipc: true,
  });
  try {
    worker.send({ type: 'job', job } satisfies ToWorker);
    await nextMessage(worker, 'ready');
    onGo();
    const meters = nodes.map((node) => createCpuMeter(node.pid, [worker.pid ?? 0]));
    const done = nextMessage(worker, 'done');
    worker.send({ type: 'go' } satisfies ToWorker);
    const { output } = await done;
    const readings = meters.map((meter) => meter.read());
    worker.send({ type: 'exit' } satisfies ToWorker);
    if (output.kind !== 'numbers') throw new Error('the generator reported no numbers');
    return { load: output.result, nodes: readings };
  } finally {
    await stopChild(worker);
  }
}
