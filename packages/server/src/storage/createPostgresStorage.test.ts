import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageError } from '../errors.js';
import { createLogger } from '../log/createLogger.js';
import { startPostgres, type TestPostgres } from '../test-utils/engines/startPostgres.js';
import { onTestCleanup } from '../test-utils/index.js';
import { MINUTE_MS, PRUNE_POLICY, pruneAll, storedSeqs } from '../test-utils/pruning.js';
import { createPostgresStorage } from './createPostgresStorage.js';
import { STORAGE_PROBE_INTERVAL_MS } from './createStorageHealth.js';
import { POSTGRES_SCHEMA, POSTGRES_SCHEMA_VERSION } from './postgresSchema.js';
import type { Storage } from './Storage.js';

let postgres: TestPostgres;
let databases = 0;
beforeAll(async () => {
  postgres = await startPostgres();
});
afterAll(() => postgres.stop());

/** A fresh database's URL. */
const freshDatabase = (): Promise<string> => {
  databases += 1;
  return postgres.createDatabase(`pg_storage_${databases}`);
};

/** A node's storage on the database at `url`, closed after the test. */
const nodeOn = (url: string, timeoutMs = 1000): Storage => {
  const storage = createPostgresStorage({ url, log: createLogger('silent'), timeoutMs });
  onTestCleanup(() => storage.close());
  return storage;
};

/** A storage per node on one fresh database. */
const nodesOnOneDatabase = async (count: number): Promise<Storage[]> => {
  const url = await freshDatabase();
  return Array.from({ length: count }, () => nodeOn(url));
};

/**
 * A client holding ACCESS SHARE on every table of the database at `url` in a repeatable-read
 * transaction until the test ends, as pg_dump does while it dumps.
 */
const dumpRunning = async (url: string): Promise<pg.Client> => {
  const dump = new pg.Client({ connectionString: url });
  await dump.connect();
  onTestCleanup(() => dump.end());
  await dump.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
  await dump.query(
    'LOCK TABLE documents, rooms, room_events, applied_ops, workflow_leases, workflow_tombstones IN ACCESS SHARE MODE',
  );
  return dump;
};

/** How long `work` took, in ms, with what it answered. */
const timed = async <T>(work: Promise<T>): Promise<{ ms: number; value: T }> => {
  const started = performance.now();
  const value = await work;
  return { ms: performance.now() - started, value };
};

/**
 * A fresh database with `sql` run in it, the way an older release left it: a client on it, and a
 * storage that upgrades it when first used.
 */
const oldDatabase = async (sql: string): Promise<{ storage: Storage; old: pg.Client }> => {
  databases += 1;
  const url = await postgres.createDatabase(`pg_storage_${databases}`);
  const old = new pg.Client({ connectionString: url });
  await old.connect();
  onTestCleanup(() => old.end());
  await old.query(sql);
  const storage = createPostgresStorage({ url, log: createLogger('silent') });
  onTestCleanup(() => storage.close());
  return { storage, old };
};

/** Appends one event with `opId` at the head this node reads, again after each conflict. */
const appendAtHead = async (storage: Storage, room: string, opId: string): Promise<number> => {
  for (;;) {
    const { epoch, headSeq } = await storage.readHead(room);
    const seq = headSeq + 1;
    const result = await storage.append({
      room,
      epoch,
      seq,
      frame: `{"op":"${opId}"}`,
      at: 1,
      opId,
    });
    if (result.kind === 'ok') return seq;
    if (result.kind === 'duplicate') return result.seq;
  }
};

describe('PostgreSQL storage', () => {
  it('SEQ2 two nodes appending to one room at once share one epoch and one gapless order, each op once', async () => {
    const [a, b] = await nodesOnOneDatabase(2);
    if (!a || !b) throw new Error('two nodes expected');
    const headA = await a.readHead('board:shared');
    expect(await b.readHead('board:shared')).toEqual(headA);
    const writes = (node: Storage, name: string): Promise<number>[] =>
      Array.from({ length: 20 }, (_, i) => appendAtHead(node, 'board:shared', `${name}-${i}`));
    const seqs = await Promise.all([...writes(a, 'a'), ...writes(b, 'b')]);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const events = await b.readEvents('board:shared', 0, 100);
    expect(events.map((e) => e.seq)).toEqual(seqs.map((_, i) => i + 1));
    expect(new Set(events.map((e) => e.frame)).size).toBe(40);
    expect(await a.appliedOp('board:shared', 'b-7')).toBe(
      events.findIndex((e) => e.frame === '{"op":"b-7"}') + 1,
    );
  });

  it('B2 an op retried on another node after it was applied is a duplicate there too', async () => {
    const [a, b] = await nodesOnOneDatabase(2);
    if (!a || !b) throw new Error('two nodes expected');
    const seq = await appendAtHead(a, 'board:retry', 'op-1');
    const { epoch, headSeq } = await b.readHead('board:retry');
    expect(
      await b.append({
        room: 'board:retry',
        epoch,
        seq: headSeq + 1,
        frame: '{}',
        at: 2,
        opId: 'op-1',
      }),
    ).toEqual({ kind: 'duplicate', seq });
  });

  it('a terminated backend: the storage reconnects by itself and the next append succeeds', async () => {
    const [storage] = await nodesOnOneDatabase(1);
    if (!storage) throw new Error('one node expected');
    await appendAtHead(storage, 'board:t', 'before');
    const admin = new pg.Client({ connectionString: postgres.url() });
    await admin.connect();
    const { rowCount } = await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'liveline'",
    );
    await admin.end();
    expect(rowCount).toBeGreaterThan(0);
    await expect
      .poll(() => appendAtHead(storage, 'board:t', 'after').catch(() => 0), { timeout: 5_000 })
      .toBe(2);
    await expect
      .poll(() => storage.status(), { timeout: 5 * STORAGE_PROBE_INTERVAL_MS })
      .toEqual({ ok: true });
  });

  it('database down: operations reject fast with a StorageError and the status names it; it recovers by itself', async () => {
    const [storage] = await nodesOnOneDatabase(1);
    if (!storage) throw new Error('one node expected');
    await appendAtHead(storage, 'board:down', 'before');
    await postgres.restart(async () => {
      const started = performance.now();
      await expect(storage.readHead('board:down')).rejects.toBeInstanceOf(StorageError);
      expect(performance.now() - started).toBeLessThan(2_000);
      const status = storage.status();
      expect(status.ok).toBe(false);
      expect(!status.ok && status.error).toMatch(/^read head failed: /);
    });
    await expect
      .poll(() => appendAtHead(storage, 'board:down', 'after').catch(() => 0), { timeout: 10_000 })
      .toBe(2);
    await expect
      .poll(() => storage.status(), { timeout: 5 * STORAGE_PROBE_INTERVAL_MS })
      .toEqual({ ok: true });
  });
  it('S2 after an outage the status is ok again by itself, with no operation, logged once each way', async () => {
    const logged: string[] = [];
    const storage = createPostgresStorage({
      url: await freshDatabase(),
      log: createLogger('info', (line) => logged.push(line)),
      timeoutMs: 1000,
    });
    onTestCleanup(() => storage.close());
    await appendAtHead(storage, 'board:idle', 'before');
    await postgres.restart(async () => {
      await expect(storage.readHead('board:idle')).rejects.toBeInstanceOf(StorageError);
      await expect
        .poll(() => storage.status(), { timeout: 5 * STORAGE_PROBE_INTERVAL_MS })
        .toEqual({ ok: false, error: expect.stringMatching(/^probe failed: /) as string });
    });

    await expect
      .poll(() => storage.status(), { timeout: 10 * STORAGE_PROBE_INTERVAL_MS })
      .toEqual({ ok: true });
    expect(logged.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual([
      'storage.error',
      'storage.recovered',
    ]);
  });

  it("G1 prune takes a prefix of each room by seq, in batches, even where nodes' clocks make time fall with seq", async () => {
    const [storage] = await nodesOnOneDatabase(1);
    if (!storage) throw new Error('one storage expected');
    const { epoch } = await storage.readHead('board:skewed');
    // Seq 4 came from a node whose clock is 9 minutes behind: older by time than seqs 2–3.
    const ats = [1, 6, 7, 0, 8, 9].map((minutes) => minutes * MINUTE_MS);
    for (const [i, at] of ats.entries())
      expect(
        await storage.append({ room: 'board:skewed', epoch, seq: i + 1, frame: `{"n":${i}}`, at }),
      ).toEqual({ kind: 'ok' });
    const reports = await pruneAll(storage, { ...PRUNE_POLICY, batchRows: 1 }, 15 * MINUTE_MS);
    expect(reports.every((report) => report.events <= 1)).toBe(true);
    // Older than 10 minutes at 15: seqs 1 and 4. Seq 4 stays, or 2–3 would be a hole before it.
    const kept = await storage.readEvents('board:skewed', 0, 100);
    expect(kept.map((event) => event.seq)).toEqual([2, 3, 4, 5, 6]);
  });

  it('W7 a database made before run pages gets the creation column and its index in place: its runs page newest first from the index', async () => {
    const { storage, old } = await oldDatabase(`
      CREATE TABLE documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
      ALTER TABLE documents ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
      INSERT INTO documents (kind, id, json) VALUES ('workflow', 'w1', '{"created_at":1}'),
        ('workflow', 'w2', '{"created_at":2}'), ('workflow', 'w3', '{"created_at":3}'),
        ('board', 'b', '{"created_at":4}')`);

    const first = await storage.readWorkflowPage(null, 2);
    expect(first.map((run) => run.position.id)).toEqual(['w3', 'w2']);
    const rest = await storage.readWorkflowPage({ created_at: 2, id: 'w2' }, 2);
    expect(rest.map((run) => run.value)).toEqual([{ created_at: 1 }]);
    // Three rows are cheaper to scan; with scans off the plan shows the index serves the order.
    await old.query('SET enable_seqscan = off');
    const { rows } = await old.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT json FROM documents WHERE kind = 'workflow' AND (run_created_at, id) < (2, 'w2')
       ORDER BY run_created_at DESC, id DESC LIMIT 2`,
    );
    const plan = rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/Index Scan using documents_run_created/);
    expect(plan).not.toMatch(/Sort/);
  });

  it('SEQ5 a database made before the unborn epoch loses the rows its joins of ids never written left at seq 0 and keeps written rooms', async () => {
    const { storage, old } = await oldDatabase(`
      CREATE TABLE rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq BIGINT NOT NULL);
      INSERT INTO rooms (room, epoch, head_seq) VALUES ('board:a', 'e1', 2),
        ('board:joined', 'e2', 0), ('workflow:watched', 'e3', 0)`);

    const unborn = await storage.readHead('board:never');
    expect(unborn.headSeq).toBe(0);
    expect(await storage.readHead('board:joined')).toEqual(unborn);
    expect(await storage.readHead('workflow:watched')).toEqual(unborn);
    expect(await storage.readHead('board:a')).toEqual({ epoch: 'e1', headSeq: 2 });
    const { rows } = await old.query<{ room: string }>(
      'SELECT room FROM rooms WHERE head_seq = 0 ORDER BY room',
    );
    expect(rows.map((row) => row.room)).toEqual(['(unborn rooms)']);
  });
  it("B6 G1 a database made before board seqs gives each board its room's head as its seq (the previous release stored it with every event): it loads as stored, and retention may delete the events before it", async () => {
    const { storage } = await oldDatabase(`
      CREATE TABLE documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
      ALTER TABLE documents ADD COLUMN version BIGINT NOT NULL DEFAULT 0;
      CREATE TABLE rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq BIGINT NOT NULL);
      CREATE TABLE room_events (room TEXT NOT NULL, seq BIGINT NOT NULL, frame TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (room, seq));
      INSERT INTO documents (kind, id, json) VALUES ('board', 'a', '{"cards":2}'), ('board', 'unwritten', '{}');
      INSERT INTO rooms (room, epoch, head_seq) VALUES ('board:a', 'e1', 2);
      INSERT INTO room_events (room, seq, frame, at) VALUES ('board:a', 1, '{}', 10), ('board:a', 2, '{}', 20)`);

    expect(await storage.loadSequenced('board', 'a')).toEqual({ seq: 2, value: { cards: 2 } });
    expect(await storage.loadSequenced('board', 'unwritten')).toEqual({ seq: 0, value: {} });
    await pruneAll(storage, PRUNE_POLICY, 20 * MINUTE_MS);
    expect(await storedSeqs(storage, 'board:a')).toEqual([]);
  });

  it('a node starting while pg_dump runs runs no DDL on a database with its schema: it serves at once and the running nodes write on', async () => {
    const url = await freshDatabase();
    const running = nodeOn(url, 3000);
    await appendAtHead(running, 'board:dump', 'before');
    await dumpRunning(url);

    const starting = nodeOn(url, 3000);
    const [head, append] = await Promise.all([
      starting.readHead('board:dump'),
      timed(appendAtHead(running, 'board:dump', 'during')),
    ]);
    expect(head.headSeq).toBeGreaterThanOrEqual(1);
    expect(append).toMatchObject({ value: 2 });
    expect(append.ms).toBeLessThan(1000);
  });

  it('a node whose release changed the schema, starting while pg_dump runs, waits at most 100 ms for a lock: it answers unavailable meanwhile, the running nodes write on, and it serves once the dump ends', async () => {
    const url = await freshDatabase();
    const running = nodeOn(url, 3000);
    await appendAtHead(running, 'board:upgrade', 'before');
    // The database as the previous release left it: its schema under another version.
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    onTestCleanup(() => admin.end());
    await admin.query(
      `BEGIN;${POSTGRES_SCHEMA.replaceAll(POSTGRES_SCHEMA_VERSION, 'previous')}COMMIT;`,
    );
    const dump = await dumpRunning(url);

    const starting = nodeOn(url, 3000);
    const [refused, append] = await Promise.all([
      starting.readHead('board:upgrade').catch((error: unknown) => error),
      timed(appendAtHead(running, 'board:upgrade', 'during')),
    ]);
    expect(refused).toBeInstanceOf(StorageError);
    expect(String(refused)).toMatch(/lock timeout/);
    expect(starting.status()).toMatchObject({ ok: false });
    expect(append).toMatchObject({ value: 2 });
    expect(append.ms).toBeLessThan(1000);

    await dump.query('COMMIT');
    await expect
      .poll(
        () =>
          starting.readHead('board:upgrade').then(
            (h) => h.headSeq,
            () => 0,
          ),
        { timeout: 5_000 },
      )
      .toBe(2);
    const { rows } = await admin.query<{ current: boolean }>(
      "SELECT position($1 IN prosrc) > 0 AS current FROM pg_proc WHERE proname = 'liveline_append'",
      [POSTGRES_SCHEMA_VERSION],
    );
    expect(rows).toEqual([{ current: true }]);
  });
});
