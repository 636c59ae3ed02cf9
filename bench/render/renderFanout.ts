import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { percentile } from '../lib/percentile.js';
import { readyLine, spawnNode, stopChild } from '../lib/spawnNode.js';
import { createLivelineEndpoint } from '../load/createLivelineEndpoint.js';
import { openMany, sleep } from '../load/openMany.js';
import { publishAtRate } from '../load/publishAtRate.js';
import type { PeerReady } from '../peers/peerReady.js';
import { finishedWorkflow } from './renderTime.js';

/** An idea whose built-in cut sheet is about 30 seconds long. */
const IDEA =
  'A keeper finds a map in a bottle. She sails into the storm, alone. An island rises at dawn. She finds her name carved in the rock and sails home.';

/** Board fan-out latency in one phase of the run, in ms. */
export interface PhaseLatency {
  readonly phase: 'before render' | 'during render';
  readonly delivered: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * Board fan-out (`clients` receivers, one publisher at `rate` msg/s) against the real server in
 * its own process while one run goes through its pipeline: latency before the render stage starts
 * and while ffmpeg (niced) encodes, and the run's cut sheet length.
 */
export async function renderFanout(
  clients: number,
  rate: number,
): Promise<{ phases: PhaseLatency[]; videoSeconds: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveline-render-fanout-'));
  const peer = spawnNode(new URL('../peers/liveline.ts', import.meta.url), {
    fromSource: false,
    env: { DATA_DIR: dataDir, PORT: '0' },
  });
  try {
    const { port } = await readyLine<PeerReady>(peer, 30_000);
    const origin = `http://127.0.0.1:${port}`;
    const endpoint = createLivelineEndpoint(port);
    let phase: PhaseLatency['phase'] | null = null;
    const samples = { 'before render': [] as number[], 'during render': [] as number[] };
    const receivers = await openMany(clients, () =>
      endpoint.openRoom((stamp) => {
        if (phase) samples[phase].push(performance.now() - stamp.t);
      }),
    );
    const publisher = await endpoint.openPublisher();
    phase = 'before render';
    let done = false;
    const publishing = publishAtRate(publisher, rate, () => done);
    await fetch(`${origin}/api/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'fanout', mode: 'idea', input: IDEA }),
    });
    const watch = async (): Promise<void> => {
      for (; phase === 'before render'; await sleep(50)) {
        const body = (await (await fetch(`${origin}/api/workflows/fanout`)).json()) as {
          workflow: { stages: { stage: string; status: string }[] };
        };
        if (body.workflow.stages.some((s) => s.stage === 'render' && s.status === 'running'))
          phase = 'during render';
      }
    };
    await watch();
    const workflow = await finishedWorkflow(origin, 'fanout');
    phase = null;
    done = true;
    await publishing;
    for (const connection of [publisher, ...receivers]) connection.close();
    const render = workflow.stages.find((s) => s.stage === 'render')?.artifact;
    return {
      videoSeconds: render?.kind === 'video' ? render.duration_seconds : Number.NaN,
      phases: (['before render', 'during render'] as const).map((name) => ({
        phase: name,
        delivered: samples[name].length,
        p50Ms: percentile(samples[name], 0.5),
        p99Ms: percentile(samples[name], 0.99),
      })),
    };
  } finally {
    await stopChild(peer);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
