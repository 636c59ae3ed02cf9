import { existsSync, mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, workflowListResponseSchema, type Workflow } from '@liveline/protocol';
import { createRenderStage } from '../domains/workflow/render/createRenderStage.js';
import { videoDir, videoPath } from '../domains/workflow/render/videoFiles.js';
import type { Stage } from '../domains/workflow/Stage.js';
import { createLogger } from '../log/createLogger.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import { rawRequest, startTestServer, tempDataDir } from '../test-utils/index.js';
import { startServerWithVideo } from '../test-utils/startServerWithVideo.js';
import { getWorkflow, waitForStatus, workflowSnapshot } from '../test-utils/workflows.js';

const start = (server: { origin: string }, id: string) =>
  rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input: 'Rain.' } });
const video = (server: { origin: string }, id: string) =>
  rawRequest(server, `/api/workflows/${id}/video`);

const renderOf = (run: Workflow) => run.stages.find((s) => s.stage === 'render');

/** Settles only when `signal` aborts, rejecting as a stage's work does. */
const untilAborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    const abort = () => reject(new Error('aborted', { cause: signal.reason }));
    if (signal.aborted) abort();
    signal.addEventListener('abort', abort, { once: true });
  });

/** Polls until the run's render stage is running. */
const renderRunning = (server: { origin: string }, id: string) =>
  expect
    .poll(async () => (await getWorkflow(server, id)).stages.find((s) => s.stage === 'render'))
    .toMatchObject({ status: 'running' });

describe('GET /api/workflows/{id}/video serves what the stored run vouches for', () => {
  it('W6 a video left under an id by an older run is not served for the new run started under it: 404 "no video yet" while its render runs', async () => {
    const dataDir = tempDataDir();
    const videos = join(dataDir, 'videos');
    mkdirSync(videoDir(videos, 'r'), { recursive: true });
    writeFileSync(videoPath(videos, 'r'), 'an older run’s video');
    const render: Stage = { run: (_input, _previous, signal) => untilAborted(signal) };
    const server = await startTestServer({ dataDir, stages: { render } });
    await start(server, 'r');
    await renderRunning(server, 'r');

    expect(await video(server, 'r')).toMatchObject({
      status: 404,
      json: {
        error: { code: 'not_found', message: expect.stringContaining('no video yet') as string },
      },
    });
  });

  it(
    'W5 W6 a run cancelled after its encoder finished, before its render stage completed was stored, serves no video, and retention removes the file',
    { timeout: 60_000 },
    async () => {
      const dataDir = tempDataDir();
      const videosDir = join(dataDir, 'videos');
      const log = createLogger('silent');
      const tools = { ffmpeg: 'ffmpeg', espeakNg: 'espeak-ng' };
      const real = createRenderStage({ videosDir, nodeId: 'n', shared: false, tools, log });
      // The real render, then held where the cancel lands: its MP4 is in place, nothing stored.
      const render: Stage = {
        async run(input, previous, signal, report) {
          const artifact = await real.run(input, previous, signal, report);
          await untilAborted(signal).catch(() => undefined);
          return artifact;
        },
      };
      const server = await startTestServer({ dataDir, stages: { render }, pruneIntervalMs: 5 });
      await start(server, 'c');
      await expect
        .poll(() => existsSync(videoPath(videosDir, 'c')), { timeout: 30_000 })
        .toBe(true);
      await rawRequest(server, '/api/workflows/c/cancel', { method: 'POST' });
      await waitForStatus(server, 'c', 'cancelled');

      expect(await video(server, 'c')).toMatchObject({
        status: 404,
        json: { error: { message: expect.stringContaining('is cancelled') as string } },
      });
      await expect.poll(() => existsSync(videoDir(videosDir, 'c'))).toBe(false);
    },
  );

  it('W6 a run whose render stage was skipped answers 404 saying so, not that its video will appear', async () => {
    const server = await startTestServer();
    await start(server, 's');
    await waitForStatus(server, 's', 'completed');

    expect(await video(server, 's')).toMatchObject({
      status: 404,
      json: { error: { message: 'workflow "s" has no video: its render stage was skipped' } },
    });
  });

  it('W6 a run an earlier release stored completed with a render stage that never ran (completed, no video artifact: before 0f2cc4e) is served with that stage skipped, by the run, the list and its socket alike, and its video answers 404 saying so, not 410 "file missing" on every request', async () => {
    const storage = createFailingStorage();
    const before = await startTestServer({ storage });
    await start(before, 'old');
    await waitForStatus(before, 'old', 'completed');
    const run = await getWorkflow(before, 'old');
    await before.stop();
    const stages = run.stages.map((s) =>
      s.stage === 'render' ? { ...s, status: 'completed' as const, artifact: null } : s,
    );
    await storage.putDocument({ kind: 'workflow', id: 'old', value: { ...run, stages } });
    const server = await startTestServer({ storage });

    const skipped = { stage: 'render', status: 'skipped', artifact: null };
    expect(renderOf(await getWorkflow(server, 'old'))).toEqual(expect.objectContaining(skipped));
    const listed = parse(
      workflowListResponseSchema,
      (await rawRequest(server, '/api/workflows')).json,
    );
    expect(listed.ok && listed.value.workflows.map(renderOf)).toEqual([
      expect.objectContaining(skipped),
    ]);
    expect(renderOf(await workflowSnapshot(server, 'old'))).toEqual(
      expect.objectContaining(skipped),
    );
    expect(await video(server, 'old')).toMatchObject({
      status: 404,
      json: { error: { message: 'workflow "old" has no video: its render stage was skipped' } },
    });
  });

  it('W6 a video whose real path leaves the videos directory is 404, a file or a run directory linked out of it alike', async () => {
    const secret = join(tempDataDir(), 'secret.txt');
    writeFileSync(secret, 'secret');
    const { server } = await startServerWithVideo((file) => symlinkSync(secret, file));
    expect(await video(server, 'v')).toMatchObject({
      status: 404,
      json: { error: { field: 'id' } },
    });

    const { server: other, videosDir } = await startServerWithVideo((file) =>
      writeFileSync(file, 'mp4'),
    );
    const elsewhere = join(tempDataDir(), 'v');
    renameSync(videoDir(videosDir, 'v'), elsewhere);
    symlinkSync(elsewhere, videoDir(videosDir, 'v'));
    expect(await video(other, 'v')).toMatchObject({
      status: 404,
      body: expect.not.stringContaining('mp4') as unknown,
    });
  });
});
