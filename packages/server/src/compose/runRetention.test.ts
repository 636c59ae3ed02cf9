import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse, routePath, workflowDeletedSchema } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { backupDatabase } from '../backup/backupDatabase.js';
import { videoDir, videoPath } from '../domains/workflow/render/videoFiles.js';
import type { Stage } from '../domains/workflow/Stage.js';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestMessage,
} from '../test-utils/index.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import { MINUTE_MS } from '../test-utils/pruning.js';
import { memoryBroker, retentionOptions, rowCounter } from '../test-utils/retentionServer.js';
import { getWorkflow, waitForStatus } from '../test-utils/workflows.js';
import { DATABASE_FILE } from '../storage/createSqliteStorage.js';

/** A `render` worker that writes a small file where the real one writes its MP4. */
const videoWriter = (videosDir: string): Stage => ({
  async run(input) {
    await mkdir(videoDir(videosDir, input.id), { recursive: true });
    await writeFile(videoPath(videosDir, input.id), 'mp4');
    return {
      kind: 'video',
      url: routePath('workflowVideo', { id: input.id }),
      mime_type: 'video/mp4',
      duration_seconds: 1,
      width: 1280,
      height: 720,
      fps: 25,
      bytes: 3,
    };
  },
});

describe('run retention (a real server, tiny limits)', () => {
  it('G3 a finished run past runRetentionMs is deleted with its events and video directory, also after a restart; a younger run stays', async () => {
    const dataDir = tempDataDir();
    const videosDir = join(dataDir, 'videos');
    const clock = createTestClock();
    const limits = retentionOptions(dataDir, clock.now, {
      runRetentionMs: 60 * MINUTE_MS,
      stages: { render: videoWriter(videosDir) },
    });
    const server = await startTestServer(limits);
    const rows = rowCounter(dataDir);
    const start = (id: string) =>
      rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input: 'A cat naps.' } });
    await start('old');
    await waitForStatus(server, 'old', 'completed');
    clock.skip(61 * MINUTE_MS);
    await start('young');
    await waitForStatus(server, 'young', 'completed');

    await vi.waitFor(async () =>
      expect((await rawRequest(server, '/api/workflows/old')).status).toBe(410),
    );
    await vi.waitFor(() => expect(existsSync(videoDir(videosDir, 'old'))).toBe(false));
    const listed = await rawRequest(server, '/api/workflows');
    expect((listed.json?.workflows as TestMessage[]).map((w) => w.id)).toEqual(['young']);
    expect(rows('room_events', 'workflow:old')).toBe(0);
    expect(rows('rooms', 'workflow:old')).toBe(0);
    expect(rows('room_events', 'workflow:young')).toBeGreaterThan(0);
    expect(existsSync(videoPath(videosDir, 'young'))).toBe(true);
    await server.stop();
    const again = await startTestServer(limits);
    expect((await rawRequest(again, '/api/workflows/old')).status).toBe(410);
    expect((await rawRequest(again, '/api/workflows/young')).status).toBe(200);
  });

  it('G3 past maxFinishedRuns the longest finished run is deleted however young, with its events and video directory, and its watcher is closed 4409; the newer runs stay', async () => {
    const dataDir = tempDataDir();
    const videosDir = join(dataDir, 'videos');
    const clock = createTestClock();
    const server = await startTestServer(
      retentionOptions(dataDir, clock.now, {
        maxFinishedRuns: 2,
        stages: { render: videoWriter(videosDir) },
      }),
    );
    const rows = rowCounter(dataDir);
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/r1'));
    await watcher.next('snapshot');
    for (const id of ['r1', 'r2']) {
      await rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input: 'A cat.' } });
      await waitForStatus(server, id, 'completed');
      clock.skip(1000);
    }
    expect((await rawRequest(server, '/api/workflows/r1')).status).toBe(200);

    await rawRequest(server, '/api/workflows', {
      body: { id: 'r3', mode: 'idea', input: 'A cat.' },
    });
    await waitForStatus(server, 'r3', 'completed');
    expect((await watcher.closed).code).toBe(4409);
    expect((await rawRequest(server, '/api/workflows/r1')).status).toBe(410);
    await vi.waitFor(() => expect(existsSync(videoDir(videosDir, 'r1'))).toBe(false));
    expect(rows('room_events', 'workflow:r1')).toBe(0);
    for (const id of ['r2', 'r3']) expect(existsSync(videoPath(videosDir, id))).toBe(true);
  });

  it('G3 W6 after a restore from a backup older than the videos directory, retention removes the videos of runs the database lacks and the working files of ended runs; the restored run keeps its video, names that are no run id stay', async () => {
    const dataDir = tempDataDir();
    const videosDir = join(dataDir, 'videos');
    const options = { dataDir, pruneIntervalMs: 5, stages: { render: videoWriter(videosDir) } };
    const server = await startTestServer(options);
    const start = (id: string) =>
      rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input: 'A cat naps.' } });
    await start('before');
    await waitForStatus(server, 'before', 'completed');
    const backup = join(tempDataDir(), 'liveline.db');
    await backupDatabase(dataDir, backup);
    await start('after');
    await waitForStatus(server, 'after', 'completed');
    await server.stop();
    // The restore of docs/operations.md, the videos directory left as it was.
    for (const name of readdirSync(dataDir).filter((n) => n.startsWith(DATABASE_FILE)))
      rmSync(join(dataDir, name));
    copyFileSync(backup, join(dataDir, DATABASE_FILE));
    mkdirSync(join(videoDir(videosDir, 'before'), '.render-dead@x1'));
    mkdirSync(join(videosDir, 'lost+found'));

    const restored = await startTestServer(options);
    await vi.waitFor(() => {
      expect(readdirSync(videosDir).sort()).toEqual(['before', 'lost+found']);
      expect(readdirSync(videoDir(videosDir, 'before'))).toEqual(['video.mp4']);
    });
    expect((await rawRequest(restored, '/api/workflows/before/video')).status).toBe(200);
    expect((await rawRequest(restored, '/api/workflows/after/video')).status).toBe(404);
  });

  it('G5 GET of a deleted run answers 410 deleted, naming when, also after a restart; an id never seen answers 404; the id started again answers its new run, and deleted again 410 with the new time', async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const limits = retentionOptions(dataDir, clock.now, { runRetentionMs: 60 * MINUTE_MS });
    const server = await startTestServer(limits);
    const start = (id: string, input: string) =>
      rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input } });
    const deleted = async (node: { origin: string }, after: number) => {
      const answer = await rawRequest(node, '/api/workflows/old');
      expect(answer).toMatchObject({
        status: 410,
        json: {
          error: {
            code: 'deleted',
            field: 'id',
            message: expect.stringMatching(/^workflow "old" was deleted at \d{4}-/) as unknown,
          },
        },
      });
      const body = parse(workflowDeletedSchema, answer.json);
      if (!body.ok) throw body.error;
      expect(body.value.error.deleted_at).toBeGreaterThanOrEqual(after);
      return body.value.error.deleted_at;
    };
    await start('old', 'A cat naps.');
    await waitForStatus(server, 'old', 'completed');
    const firstSkip = clock.now() + 61 * MINUTE_MS;
    clock.skip(61 * MINUTE_MS);

    await vi.waitFor(async () =>
      expect((await rawRequest(server, '/api/workflows/old')).status).toBe(410),
    );
    const first = await deleted(server, firstSkip);
    expect((await rawRequest(server, '/api/workflows/never')).status).toBe(404);
    expect((await start('old', 'A dog runs.')).status).toBe(201);
    expect(await getWorkflow(server, 'old')).toMatchObject({ input: 'A dog runs.' });
    await waitForStatus(server, 'old', 'completed');
    const secondSkip = clock.now() + 61 * MINUTE_MS;
    clock.skip(61 * MINUTE_MS);
    await vi.waitFor(async () =>
      expect((await rawRequest(server, '/api/workflows/old')).status).toBe(410),
    );
    await server.stop();
    const again = await startTestServer(limits);
    expect(await deleted(again, secondSkip)).toBeGreaterThan(first);
  });

  it('G3 R5 SEQ5 a client of a run retention deleted, back after the tombstone went too, gets a snapshot of the run started again under its id, never a resume across it', async () => {
    const clock = createTestClock();
    const limits = retentionOptions(tempDataDir(), clock.now, { runRetentionMs: 60 * MINUTE_MS });
    const server = await startTestServer(limits);
    const start = (input: string) =>
      rawRequest(server, '/api/workflows', { body: { id: 'x', mode: 'idea', input } });
    const watch = async (query: string) => {
      const client = await connectTestClient(wsOrigin(server, `/ws/workflow/x${query}`));
      const first = await client.next((m) => m.type === 'snapshot' || m.type === 'resumed');
      client.ws.close();
      return first;
    };
    expect((await start('A cat naps.')).status).toBe(201);
    await waitForStatus(server, 'x', 'completed');
    const old = await watch('');
    // Past the run's retention (deleted), then past its tombstone's (an id never seen again).
    for (const answer of [410, 404]) {
      clock.skip(61 * MINUTE_MS);
      await vi.waitFor(async () =>
        expect((await rawRequest(server, '/api/workflows/x')).status).toBe(answer),
      );
    }
    expect((await start('A dog runs.')).status).toBe(201);
    await waitForStatus(server, 'x', 'completed');

    const back = await watch(`?epoch=${String(old.epoch)}&seq=${Number(old.seq) - 1}`);
    expect(back).toMatchObject({ type: 'snapshot', recovered: false, reason: 'epoch_changed' });
    expect(dataOf(back).workflow).toMatchObject({ input: 'A dog runs.' });
  });

  it('G5 cancelling a deleted run and asking for its video answer 410 deleted as its GET does; for an id never seen both answer 404', async () => {
    const clock = createTestClock();
    const server = await startTestServer(
      retentionOptions(tempDataDir(), clock.now, { runRetentionMs: 60 * MINUTE_MS }),
    );
    await rawRequest(server, '/api/workflows', {
      body: { id: 'old', mode: 'idea', input: 'A cat naps.' },
    });
    await waitForStatus(server, 'old', 'completed');
    clock.skip(61 * MINUTE_MS);
    await vi.waitFor(async () =>
      expect((await rawRequest(server, '/api/workflows/old')).status).toBe(410),
    );

    const cancel = (id: string) =>
      rawRequest(server, `/api/workflows/${id}/cancel`, { method: 'POST' });
    const video = (id: string) => rawRequest(server, `/api/workflows/${id}/video`);
    for (const answer of [await cancel('old'), await video('old')])
      expect(answer).toMatchObject({
        status: 410,
        json: { error: { code: 'deleted', field: 'id' } },
      });
    for (const answer of [await cancel('never'), await video('never')])
      expect(answer).toMatchObject({ status: 404, json: { error: { code: 'not_found' } } });
  });

  it('G3 a deleted run leaves the broker and the event log: its id opens as a new, empty room (W2)', async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const broker = memoryBroker(clock.now, 1000 * MINUTE_MS);
    const server = await startTestServer({
      ...retentionOptions(dataDir, clock.now, { runRetentionMs: 60 * MINUTE_MS }),
      broker,
    });
    await rawRequest(server, '/api/workflows', {
      body: { id: 'old', mode: 'idea', input: 'A cat.' },
    });
    await waitForStatus(server, 'old', 'completed');
    const before = await connectTestClient(wsOrigin(server, '/ws/workflow/old'));
    const old = await before.next('snapshot');
    expect(Number(old.seq)).toBeGreaterThan(0);
    clock.skip(61 * MINUTE_MS);

    await vi.waitFor(async () =>
      expect((await rawRequest(server, '/api/workflows/old')).status).toBe(410),
    );
    await vi.waitFor(async () => expect(await broker.window('workflow:old')).toBeNull());
    const after = await connectTestClient(wsOrigin(server, '/ws/workflow/old'));
    const fresh = await after.next('snapshot');
    expect(fresh).toMatchObject({ seq: 0, data: { workflow_id: 'old', workflow: null } });
    expect(fresh.epoch).not.toBe(old.epoch);
  });
});
