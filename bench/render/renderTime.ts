import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, workflowResponseSchema, type Workflow } from '@liveline/protocol';
import { startServer } from '@liveline/server';
import { sleep } from '../load/openMany.js';
import { thirtySecondStages } from './thirtySecondStages.js';

/** One render of the 30-second cut sheet: wall time and the video's length, in seconds. */
export interface RenderTiming {
  readonly renderSeconds: number;
  readonly videoSeconds: number;
}

/** Polls a workflow until it has finished, and returns it. */
export async function finishedWorkflow(origin: string, id: string): Promise<Workflow> {
  for (;;) {
    const body: unknown = await (await fetch(`${origin}/api/workflows/${id}`)).json();
    const parsed = parse(workflowResponseSchema, body);
    if (!parsed.ok) throw parsed.error;
    const { workflow } = parsed.value;
    if (workflow.status !== 'queued' && workflow.status !== 'running') return workflow;
    await sleep(50);
  }
}

/**
 * Times the render stage of a real server (built, in this process; ffmpeg and espeak-ng run as
 * their own niced processes) on the fixed 30-second cut sheet, from `stage.started` to
 * `stage.completed` as the workflow records them.
 */
export async function timeRender(): Promise<RenderTiming> {
  const dataDir = mkdtempSync(join(tmpdir(), 'liveline-render-bench-'));
  const server = await startServer({
    port: 0,
    dataDir,
    webDir: null,
    logLevel: 'error',
    stageDurationMs: 0,
    stages: thirtySecondStages,
  });
  try {
    await fetch(`${server.origin}/api/workflows`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'bench', mode: 'idea', input: 'thirty seconds' }),
    });
    const workflow = await finishedWorkflow(server.origin, 'bench');
    const render = workflow.stages.find((s) => s.stage === 'render');
    if (workflow.status !== 'completed' || render?.artifact?.kind !== 'video')
      throw new Error(`render did not complete: ${workflow.error ?? workflow.status}`);
    return {
      renderSeconds: ((render.completed_at ?? 0) - (render.started_at ?? 0)) / 1000,
      videoSeconds: render.artifact.duration_seconds,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
