import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { DATABASE_FILE, createSqliteStorage } from '../storage/createSqliteStorage.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestClient,
  type TestMessage,
} from '../test-utils/index.js';
import { waitForStatus } from '../test-utils/workflows.js';

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/** A server on `dataDir` with the clock `now`; it never prunes (another node does). */
const startNode = (dataDir: string, now: () => number, historyMaxAgeMs: number) =>
  startTestServer({ dataDir, now, historyMaxAgeMs, pruneIntervalMs: DAY_MS });

/** The sockets of `/ws/workflow/{id}` open on the server now. */
async function workflowSockets(server: { origin: string }): Promise<number | undefined> {
  const health = await rawRequest(server, '/health');
  return (health.json?.routes as Record<string, { connections: number } | undefined>).workflow
    ?.connections;
}

/** Starts a run with `id` and waits until it completed. */
async function completeRun(server: { origin: string }, id: string): Promise<void> {
  await rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input: 'A cat.' } });
  await waitForStatus(server, id, 'completed');
}

/** The snapshot a new watcher of the run gets. */
async function snapshotOf(server: { origin: string }, id: string): Promise<TestMessage> {
  return (await connectTestClient(wsOrigin(server, `/ws/workflow/${id}`))).next('snapshot');
}

describe('workflow runs in memory (a real server, a skipped clock)', () => {
  it('G1 a finished run nobody here watches or used for the history age leaves memory and is read back from storage when opened again; a watched one is kept', async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const server = await startNode(dataDir, clock.now, 10 * MINUTE_MS);
    await completeRun(server, 'idle');
    await completeRun(server, 'kept');
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/kept'));
    await watcher.next('snapshot');
    const first = await connectTestClient(wsOrigin(server, '/ws/workflow/idle'));
    const { epoch, seq } = await first.next('snapshot');
    first.ws.close();
    await vi.waitFor(async () => expect(await workflowSockets(server)).toBe(1));

    clock.skip(11 * MINUTE_MS);
    // Opening another run is a use of the domain: it sweeps the idle runs.
    await snapshotOf(server, 'other');
    // Changed behind the server's back: only a run read back from storage shows it.
    const db = new Database(join(dataDir, DATABASE_FILE));
    onTestCleanup(() => db.close());
    db.prepare(
      `UPDATE documents SET json = json_set(json, '$.title', 'read back') WHERE kind = 'workflow' AND id IN ('idle', 'kept')`,
    ).run();

    expect(await snapshotOf(server, 'idle')).toMatchObject({
      epoch,
      seq,
      data: { workflow: { title: 'read back', status: 'completed' } },
    });
    expect(await snapshotOf(server, 'kept')).toMatchObject({
      data: { workflow: { title: expect.not.stringMatching('read back') as unknown } },
    });
    expect(await rawRequest(server, '/api/workflows/idle/video')).toMatchObject({
      status: 404,
      json: {
        error: {
          message: expect.stringMatching(/has no video: its render stage was skipped/) as unknown,
        },
      },
    });
  });

  it("G3 a run another node's retention deleted answers here as on that node, even while someone here watches it: deleted (410, G5, also for its video and cancel), its id opens as a new, empty room (W2) and can be started again; the old watcher is then closed with 4409, and a join after the deletion gets only the new run's events", async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const server = await startNode(dataDir, clock.now, 60 * MINUTE_MS);
    const watched: TestMessage[] = [];
    const watchers: TestClient[] = [];
    for (const id of ['gone', 'reused']) {
      await completeRun(server, id);
      const watcher = await connectTestClient(wsOrigin(server, `/ws/workflow/${id}`));
      watched.push(await watcher.next('snapshot'));
      watchers.push(watcher);
    }

    clock.skip(6 * MINUTE_MS);
    // The other node: its own connection to the shared store, pruning with the same clock.
    const other = createSqliteStorage(dataDir, createLogger('silent'));
    onTestCleanup(() => other.close());
    const report = await other.prune(
      {
        roomMaxEvents: 1000,
        roomMaxBytes: 1 << 20,
        eventMaxAgeMs: DAY_MS,
        opIdMaxAgeMs: DAY_MS,
        runMaxAgeMs: 5 * MINUTE_MS,
        runMaxCount: 1000,
        tombstoneMaxAgeMs: DAY_MS,
        tombstoneMaxCount: 1000,
        runRoom: (id) => `workflow:${id}`,
        batchRows: 256,
      },
      clock.now(),
    );
    expect([...report.runs].sort()).toEqual(['gone', 'reused']);

    const joined = await connectTestClient(wsOrigin(server, '/ws/workflow/gone'));
    const fresh = await joined.next('snapshot');
    expect(fresh).toMatchObject({ seq: 0, data: { workflow_id: 'gone', workflow: null } });
    expect(fresh.epoch).not.toBe(watched[0]?.epoch);
    const deleted = { status: 410, json: { error: { code: 'deleted' } } };
    expect(await rawRequest(server, '/api/workflows/gone')).toMatchObject(deleted);
    expect(await rawRequest(server, '/api/workflows/gone/video')).toMatchObject(deleted);
    const cancel = await rawRequest(server, '/api/workflows/gone/cancel', { method: 'POST' });
    expect(cancel).toMatchObject(deleted);
    const started = await rawRequest(server, '/api/workflows', {
      body: { id: 'reused', mode: 'idea', input: 'A dog.' },
    });
    expect(started).toMatchObject({ status: 201, json: { workflow: { input: 'A dog.' } } });
    // The watcher of the old 'reused' is told its position no longer applies (4409).
    expect(await watchers[1]?.closed).toMatchObject({ code: 4409 });
    // The join after the deletion got nothing of the old room: the events of 'gone' started
    // again are all it has after its snapshot, from seq 1.
    await rawRequest(server, '/api/workflows', {
      body: { id: 'gone', mode: 'idea', input: 'A bird.' },
    });
    await joined.next('workflow.completed');
    const [created, ...later] = joined.messages.slice(1);
    expect(created).toMatchObject({ type: 'workflow.created', seq: 1 });
    expect(created && dataOf(created).workflow).toMatchObject({ input: 'A bird.' });
    expect(later.map((m) => m.seq)).toEqual(later.map((_, i) => i + 2));
  });

  it('G1 the room a cancel of an id never started opens leaves memory after the history age: the next cancel opens it from storage as the first did', async () => {
    const clock = createTestClock();
    const inner = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => inner.close());
    const headReads: string[] = [];
    const storage = {
      ...inner,
      readHead: (room: string) => (headReads.push(room), inner.readHead(room)),
    };
    const server = await startTestServer({
      storage,
      now: clock.now,
      historyMaxAgeMs: 10 * MINUTE_MS,
    });
    const cancel = async (id: string) => {
      const before = headReads.filter((room) => room === `workflow:${id}`).length;
      const res = await rawRequest(server, `/api/workflows/${id}/cancel`, { method: 'POST' });
      expect(res.status).toBe(404);
      return headReads.filter((room) => room === `workflow:${id}`).length - before;
    };
    const opening = await cancel('ghost');

    clock.skip(11 * MINUTE_MS);
    // Another cancel is a use of the domain: it sweeps the idle rooms.
    await cancel('other');

    expect(await cancel('ghost')).toBe(opening);
  });
});
