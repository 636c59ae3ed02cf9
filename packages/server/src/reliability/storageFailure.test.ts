import { join } from 'node:path';
import { PIPELINE, healthSchema, parse } from '@liveline/protocol';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import type { Stage } from '../domains/workflow/Stage.js';
import { createLogger } from '../log/createLogger.js';
import { STORAGE_UNAVAILABLE_REASON } from '../routes/outageFailure.js';
import { STORAGE_PROBE_INTERVAL_MS } from '../storage/createStorageHealth.js';
import { DATABASE_FILE } from '../storage/createSqliteStorage.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestMessage,
} from '../test-utils/index.js';
import { storeRun } from '../test-utils/pruning.js';
import { getWorkflow, heldStage } from '../test-utils/workflows.js';
import { report } from './seededRandom.js';

const card = (opId: string) => ({
  type: 'card.create',
  op_id: opId,
  column_id: 'backlog',
  title: `card ${opId}`,
});

describe('storage failures (injected storage)', () => {
  it('S2 F15 writes failing mid-run: the next op is refused with unavailable (never acked), /health degraded, the clock ticks on', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    const board = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=full'));
    await board.next('snapshot');
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    board.send(card('a1'));
    expect(await board.next('ack')).toMatchObject({ data: { op_id: 'a1', duplicate: false } });

    storage.failWrites('disk full');
    board.send(card('a2'));
    const refused = await board.next((m) => m.type === 'ack' || m.type === 'error');
    expect(refused.type).toBe('error');
    expect(dataOf(refused)).toMatchObject({ code: 'unavailable', op_id: 'a2' });
    const health = parse(healthSchema, (await rawRequest(server, '/health')).json);
    expect(health.ok && health.value).toMatchObject({
      status: 'degraded',
      database: 'error',
      database_error: 'write failed: disk full',
    });
    const ticks = clock.messages.length;
    await vi.waitFor(() => expect(clock.messages.length).toBeGreaterThan(ticks + 3));
    const cards = (
      (await rawRequest(server, '/api/boards/full')).json as { board: { cards: unknown[] } }
    ).board.cards;
    expect(cards).toEqual([expect.objectContaining({ title: 'card a1' })]);
    report('F15', { acked: 1, refused_unavailable: 1, faults: 'injected write failure' });
  });

  it('S4 an op storage stored though its reply was lost is answered unavailable, and every watcher gets its event without a retry or another write', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    const [writer, watcher] = await Promise.all(
      [0, 1].map(() => connectTestClient(wsOrigin(server, '/ws/connect?board_id=lost-reply'))),
    );
    await Promise.all([writer?.next('snapshot'), watcher?.next('snapshot')]);
    if (!writer || !watcher) throw new Error('two clients expected');

    storage.loseAppendReplies('connection lost after COMMIT');
    writer.send(card('r1'));
    expect(dataOf(await writer.next('error'))).toMatchObject({ code: 'unavailable', op_id: 'r1' });
    storage.recover();

    const created = await watcher.next('card.created');
    expect(dataOf(created).card).toMatchObject({ title: 'card r1' });
    expect(dataOf(await writer.next('card.created')).card).toEqual(dataOf(created).card);
  });

  it('B2 S4 the retry of an op stored though its reply was lost is acked duplicate after its event reached the socket', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    const writer = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=lost-retry'));
    await writer.next('snapshot');
    writer.send(card('r1'));
    await writer.next('card.created');
    await writer.next('ack');
    // The database went away right after its COMMIT: the node cannot catch up until it is back.
    storage.loseAppendReplies('connection lost after COMMIT');
    storage.failReads('connection lost');
    writer.send(card('r2'));
    expect(dataOf(await writer.next('error'))).toMatchObject({ code: 'unavailable', op_id: 'r2' });
    storage.recover();

    writer.send(card('r2'));
    const answer = await writer.next((m) => m.type === 'ack' || m.type === 'card.created');
    expect(answer.type).toBe('card.created');
    expect(dataOf(await writer.next('ack'))).toMatchObject({ op_id: 'r2', duplicate: true });
  });

  it("S3 a refusal for an outage names the failure's kind, never the engine's words (host, user): on a socket op, an HTTP op, a transport command and a run start", async () => {
    const words = 'connect ECONNREFUSED db.internal:5432 (postgres://liveline@db.internal)';
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    const board = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=kinds'));
    await board.next('snapshot');
    storage.failWrites(words);

    board.send(card('k1'));
    const messages = [String(dataOf(await board.next('error')).message)];
    for (const [path, body] of [
      ['/api/boards/kinds/ops', card('k2')],
      ['/api/transport', { type: 'play' }],
      ['/api/workflows', { mode: 'idea', input: 'x' }],
    ] as const) {
      const refused = await rawRequest(server, path, { body });
      expect(refused.status).toBe(503);
      messages.push((refused.json as { error: { message: string } }).error.message);
    }
    expect(messages).toEqual([
      'not stored: connection refused',
      'not stored: connection refused',
      'command not applied: connection refused',
      'not stored: connection refused',
    ]);
  });

  it('S2 F5 a storage that refuses every write: a board op and a workflow start are 503 unavailable, sockets still served', async () => {
    const storage = createFailingStorage();
    storage.failWrites('cannot open database');
    const server = await startTestServer({ storage });
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    await clock.next((m) => 'playing' in m);
    const op = await rawRequest(server, '/api/boards/lost/ops', { body: card('f5-op') });
    expect(op.status).toBe(503);
    expect(op.json).toMatchObject({ error: { code: 'unavailable' } });
    const run = await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: 'x' } });
    expect(run.status).toBe(503);
    expect((await rawRequest(server, '/api/workflows')).json).toEqual({
      workflows: [],
      next_before: null,
    });
    report('F5', { refused: 2, faults: 'injected: every write fails' });
  });

  it('S3 a board or workflow room storage cannot read is refused (503, close 1013), never served as empty, and served once storage recovers', async () => {
    const dataDir = tempDataDir();
    const before = await startTestServer({ dataDir });
    expect((await rawRequest(before, '/api/boards/kept/ops', { body: card('k1') })).status).toBe(
      201,
    );
    await before.stop();
    const storage = createFailingStorage(dataDir);
    const server = await startTestServer({ storage });
    storage.failReads('bad sector');

    const get = await rawRequest(server, '/api/boards/kept');
    expect(get.status).toBe(503);
    expect(get.json).toMatchObject({ error: { code: 'unavailable' } });
    expect((await rawRequest(server, '/api/boards/kept/ops', { body: card('k2') })).status).toBe(
      503,
    );
    for (const path of ['/ws/connect?board_id=kept', '/ws/workflow/not-started-yet']) {
      const socket = await connectTestClient(wsOrigin(server, path));
      expect(await socket.closed, path).toEqual({
        code: 1013,
        reason: STORAGE_UNAVAILABLE_REASON,
      });
    }

    storage.recover();
    const healed = await rawRequest(server, '/api/boards/kept');
    expect(healed.status).toBe(200);
    expect((healed.json as { board: { cards: unknown[] } }).board.cards).toEqual([
      expect.objectContaining({ title: 'card k1' }),
    ]);
    const board = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=kept'));
    expect(dataOf(await board.next('snapshot'))).toMatchObject({
      cards: [expect.objectContaining({ title: 'card k1' })],
    });
  });

  it('S3 storage unreadable at start: a transport command is refused instead of overwriting the stored anchor, and once storage recovers the anchor is restored and a stopped run resumes', async () => {
    const dataDir = tempDataDir();
    const never: Stage = { run: () => new Promise(() => undefined) };
    const before = await startTestServer({ dataDir, stages: { script: never } });
    const seek = { body: { type: 'seek', time_seconds: 42 } };
    expect((await rawRequest(before, '/api/transport', seek)).status).toBe(200);
    const started = await rawRequest(before, '/api/workflows', {
      body: { id: 'kept', mode: 'idea', input: 'A boat. A storm. A harbour.' },
    });
    expect(started.status).toBe(201);
    await vi.waitFor(async () =>
      expect((await getWorkflow(before, 'kept')).stages[0]?.status).toBe('running'),
    );
    await before.stop();
    const storage = createFailingStorage(dataDir);
    storage.failReads('bad sector');
    const server = await startTestServer({ storage });

    const play = await rawRequest(server, '/api/transport', { body: { type: 'play' } });
    expect(play.status).toBe(503);
    expect(play.json).toMatchObject({ error: { code: 'unavailable' } });

    storage.recover();
    await vi.waitFor(
      async () =>
        expect((await rawRequest(server, '/api/transport')).json).toMatchObject({
          state: { playing: false, time_seconds: 42 },
        }),
      { timeout: 3_000 },
    );
    await vi.waitFor(
      async () => expect((await getWorkflow(server, 'kept')).status).toBe('completed'),
      { timeout: 5_000 },
    );
    const resumed = await rawRequest(server, '/api/transport', { body: { type: 'play' } });
    expect(resumed.json).toMatchObject({ state: { playing: true } });
    expect(
      (resumed.json as { state: { time_seconds: number } }).state.time_seconds,
    ).toBeGreaterThanOrEqual(42);
  });

  it('S3 a transport command storage refuses does not apply: HTTP 503 and a socket error unavailable, the state unchanged', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    const seek = await rawRequest(server, '/api/transport', {
      body: { type: 'seek', time_seconds: 5 },
    });
    expect(seek.status).toBe(200);
    storage.failWrites('disk full');
    const refused = await rawRequest(server, '/api/transport', {
      body: { type: 'seek', time_seconds: 42 },
    });
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ error: { code: 'unavailable' } });
    const socket = await connectTestClient(wsOrigin(server, '/ws/transport'));
    await socket.next('state');
    socket.send({ type: 'play', op_id: 'p1' });
    const reply = await socket.next((m) => m.type === 'ack' || m.type === 'error');
    expect(reply.type).toBe('error');
    expect(dataOf(reply)).toMatchObject({ code: 'unavailable', op_id: 'p1' });
    const state = (await rawRequest(server, '/api/transport')).json as {
      state: { playing: boolean; time_seconds: number };
    };
    expect(state.state).toMatchObject({ playing: false, time_seconds: 5 });
  });

  it('S3 a running workflow whose event storage refuses stops: nothing more is published, cancel is 503, the stored run stays as it was and is not logged failed', async () => {
    const storage = createFailingStorage();
    const { stage: held, release } = heldStage('script');
    const failed: Record<string, unknown>[] = [];
    const events: unknown[] = [];
    const logger = createLogger('info', (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      events.push(line.event);
      if (line.event === 'workflow.persist_failed') failed.push(line);
    });
    const server = await startTestServer({ storage, logger, stages: { script: held } });
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/s3'));
    await watcher.next('snapshot');
    const created = await rawRequest(server, '/api/workflows', {
      body: { id: 's3', mode: 'idea', input: 'A boat. A storm. A harbour.' },
    });
    expect(created.status).toBe(201);
    await watcher.next('stage.started');
    const seen = watcher.messages.length;

    storage.failWrites('disk full');
    release();
    // The stage's first refused event stops the run; its last attempt is to store its failure.
    await vi.waitFor(() => expect(failed.at(-1)?.event_type).toBe('workflow.failed'));
    const refused = failed.map((f) => f.event_type);
    expect(refused.length).toBeGreaterThan(1);
    for (const event of refused.slice(0, -1))
      expect(['stage.progress', 'stage.completed']).toContain(event);
    const cancel = await rawRequest(server, '/api/workflows/s3/cancel', { body: {} });
    expect(cancel.status).toBe(503);
    expect(cancel.json).toMatchObject({ error: { code: 'unavailable' } });
    expect(watcher.messages.slice(seen)).toEqual([]);
    const stored = await getWorkflow(server, 's3');
    expect(stored.status).toBe('running');
    expect(events).not.toContain('workflow.failed');
    expect(stored.stages.find((s) => s.stage === 'script')?.status).toBe('running');
    const agent = PIPELINE.find((p) => p.stage === 'script')?.agent;
    const agents = (await rawRequest(server, '/api/agents')).json as {
      agents: { name: string; active: number }[];
    };
    expect(agents.agents.find((a) => a.name === agent)?.active).toBe(0);
  });

  it('CM1 S2 the coordinator metrics while storage cannot be read: never zero runs as if none were stored, the last counts kept in an outage, and the stored counts again once it recovers', async () => {
    const storage = createFailingStorage();
    await storeRun(storage, 'done', 'completed', 1);
    const events: string[] = [];
    const record = (event: string): void => void events.push(event);
    const logger = { debug: record, info: record, warn: record, error: record };
    const failedReads = () => events.filter((e) => e === 'workflow.counts_failed').length;
    const completed = (m?: TestMessage) =>
      (m?.data as { workflows: { completed: number } } | undefined)?.workflows.completed;
    storage.failReads('bad sector');
    const server = await startTestServer({ storage, logger, metricsRateHz: 50 });
    await vi.waitFor(() => expect(failedReads()).toBe(1));
    const metrics = await connectTestClient(wsOrigin(server, '/ws/coordinator'));

    storage.recover();
    expect(completed(await metrics.next('metrics'))).toBe(1);
    storage.failReads('bad sector');
    await vi.waitFor(() => expect(failedReads()).toBe(2));
    const seen = metrics.messages.length;
    await vi.waitFor(() => expect(metrics.messages.length).toBeGreaterThan(seen + 2));
    expect(metrics.messages.slice(seen).map(completed)).toEqual(
      metrics.messages.slice(seen).map(() => 1),
    );

    storage.recover();
    await storeRun(storage, 'later', 'completed', 2);
    await vi.waitFor(() => expect(completed(metrics.messages.at(-1))).toBe(2));
  });
});

describe('storage failures (a real SQLite database)', () => {
  it("S2 a node whose SQLite refused a write stays degraded while a write the full disk spares works (a held run's lease renewals), and is healthy again by itself, with no request, once the database takes writes, logged once each way", async () => {
    const dataDir = tempDataDir();
    const logged: string[] = [];
    const server = await startTestServer({
      dataDir,
      logger: createLogger('info', (line) => logged.push(line)),
      stages: { script: heldStage('script').stage },
      workflowLeaseMs: 300,
    });
    const created = await rawRequest(server, '/api/workflows', {
      body: { id: 'held', mode: 'idea', input: 'A boat. A storm. A harbour.' },
    });
    expect(created.status).toBe(201);
    const storageEvents = () =>
      logged
        .map((line) => (JSON.parse(line) as { event: string }).event)
        .filter((event) => event.startsWith('storage.'));
    const health = async () => (await rawRequest(server, '/health')).json;
    // Another connection makes every insert fail the way a full disk does.
    const disk = new Database(join(dataDir, DATABASE_FILE));
    onTestCleanup(() => disk.close());
    for (const table of ['rooms', 'room_events', 'documents'])
      disk.exec(
        `CREATE TRIGGER full_${table} BEFORE INSERT ON ${table} BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
      );

    expect((await rawRequest(server, '/api/boards/idle/ops', { body: card('d1') })).status).toBe(
      503,
    );
    expect(await health()).toMatchObject({ status: 'degraded', database: 'error' });
    await vi.waitFor(
      async () =>
        expect(await health()).toMatchObject({
          database_error: 'probe failed: database or disk is full',
        }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
    // The run's lease is renewed (an UPDATE, which no trigger refuses) every 100 ms meanwhile.
    const leaseExpiry = disk
      .prepare("SELECT expires_at FROM workflow_leases WHERE run_id = 'held'")
      .pluck();
    const expiry = leaseExpiry.get();
    await vi.waitFor(() => expect(leaseExpiry.get()).not.toBe(expiry), { timeout: 3_000 });
    expect(await health()).toMatchObject({ status: 'degraded', database: 'error' });
    disk.exec(
      'DROP TRIGGER full_rooms; DROP TRIGGER full_room_events; DROP TRIGGER full_documents',
    );

    await vi.waitFor(
      async () => expect(await health()).toMatchObject({ status: 'healthy', database_error: null }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
    expect(storageEvents()).toEqual(['storage.error', 'storage.recovered']);
  });
});
