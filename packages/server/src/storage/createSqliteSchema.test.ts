import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { onTestCleanup, tempDataDir } from '../test-utils/index.js';
import { MINUTE_MS, PRUNE_POLICY, pruneAll, storedSeqs, storeRun } from '../test-utils/pruning.js';
import { RUN_CREATED, RUN_STATUS } from './createSqliteSchema.js';
import { DATABASE_FILE, createSqliteStorage } from './createSqliteStorage.js';

/** The tables as databases stored them before WITHOUT ROWID, with and without retention's column. */
const OLD_SCHEMAS = {
  'before retention': `
CREATE TABLE documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq INTEGER NOT NULL);
CREATE TABLE room_events (room TEXT NOT NULL, seq INTEGER NOT NULL, frame TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (room, seq));
CREATE TABLE applied_ops (room TEXT NOT NULL, op_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (room, op_id));
INSERT INTO applied_ops (room, op_id, seq) VALUES ('board:a', 'op-2', 2);`,
  'with retention': `
CREATE TABLE documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 0;
CREATE TABLE rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq INTEGER NOT NULL);
CREATE TABLE room_events (room TEXT NOT NULL, seq INTEGER NOT NULL, frame TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (room, seq));
CREATE TABLE applied_ops (room TEXT NOT NULL, op_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (room, op_id));
ALTER TABLE applied_ops ADD COLUMN at REAL;
CREATE INDEX applied_ops_at ON applied_ops (at);
INSERT INTO applied_ops (room, op_id, seq, at) VALUES ('board:a', 'op-2', 2, NULL);`,
};

/** An old-schema database in a fresh data directory: board `a` at seq 2 with its two events. */
function oldDatabase(schema: string): string {
  const dataDir = tempDataDir();
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.exec(`${schema}
INSERT INTO documents (kind, id, json) VALUES ('board', 'a', '{"cards":2}');
INSERT INTO rooms (room, epoch, head_seq) VALUES ('board:a', 'e1', 2);
INSERT INTO room_events (room, seq, frame, at) VALUES ('board:a', 1, '{"seq":1}', 10), ('board:a', 2, '{"seq":2}', 20);`);
  db.close();
  return dataDir;
}

describe('SQLite schema upgrade (createSqliteSchema)', () => {
  it.each(Object.entries(OLD_SCHEMAS))(
    'an old database (%s) keeps its documents, head, events and op ids, with op ids stored by their key',
    async (_name, schema) => {
      const dataDir = oldDatabase(schema);
      const storage = createSqliteStorage(dataDir, createLogger('silent'));
      onTestCleanup(() => storage.close());

      expect(storage.status()).toEqual({ ok: true });
      expect(await storage.loadDocument('board', 'a')).toEqual({ cards: 2 });
      expect(await storage.readHead('board:a')).toEqual({ epoch: 'e1', headSeq: 2 });
      expect(await storage.readEvents('board:a', 0, 10)).toEqual([
        { seq: 1, frame: '{"seq":1}', at: 10 },
        { seq: 2, frame: '{"seq":2}', at: 20 },
      ]);
      expect(await storage.appliedOp('board:a', 'op-2')).toBe(2);
      const next = { room: 'board:a', epoch: 'e1', seq: 3, frame: '{"seq":3}', at: 30 };
      expect(await storage.append({ ...next, opId: 'op-2' })).toEqual({
        kind: 'duplicate',
        seq: 2,
      });
      expect(await storage.append({ ...next, opId: 'op-3' })).toEqual({ kind: 'ok' });

      const reader = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      onTestCleanup(() => reader.close());
      const keyed = reader
        .prepare(
          "SELECT name FROM pragma_table_list WHERE wr = 1 AND schema = 'main' ORDER BY name",
        )
        .pluck()
        .all();
      expect(keyed).toEqual(['applied_ops']);
    },
  );

  it('G2 an upgraded op id without a time is kept a whole window from its first prune, then pruned', async () => {
    const storage = createSqliteStorage(
      oldDatabase(OLD_SCHEMAS['before retention']),
      createLogger('silent'),
    );
    onTestCleanup(() => storage.close());

    await pruneAll(storage, PRUNE_POLICY, 100 * MINUTE_MS);
    expect(await storage.appliedOp('board:a', 'op-2')).toBe(2);
    await pruneAll(storage, PRUNE_POLICY, 102.5 * MINUTE_MS);
    expect(await storage.appliedOp('board:a', 'op-2')).toBeNull();
  });

  it('SEQ5 an upgraded database loses the rows its joins of ids never written left at seq 0 and keeps written rooms', async () => {
    const dataDir = oldDatabase(OLD_SCHEMAS['with retention']);
    const old = new Database(join(dataDir, DATABASE_FILE));
    old.exec(
      "INSERT INTO rooms (room, epoch, head_seq) VALUES ('board:joined', 'e2', 0), ('workflow:watched', 'e3', 0)",
    );
    old.close();
    const rooms = () => {
      const reader = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      try {
        return reader
          .prepare('SELECT room FROM rooms WHERE head_seq = 0 ORDER BY room')
          .pluck()
          .all();
      } finally {
        reader.close();
      }
    };

    const storage = createSqliteStorage(dataDir, createLogger('silent'));
    onTestCleanup(() => storage.close());
    const unborn = await storage.readHead('board:never');
    expect(await storage.readHead('board:joined')).toEqual(unborn);
    expect(await storage.readHead('workflow:watched')).toEqual(unborn);
    expect(await storage.readHead('board:a')).toEqual({ epoch: 'e1', headSeq: 2 });
    expect(rooms()).toEqual(['(unborn rooms)']);
  });

  it("B6 G1 an upgraded database gives each board its room's head as its seq (the previous release stored it with every event): it loads as stored, and retention may delete the events before it", async () => {
    const dataDir = oldDatabase(OLD_SCHEMAS['with retention']);
    const old = new Database(join(dataDir, DATABASE_FILE));
    old.exec("INSERT INTO documents (kind, id, json) VALUES ('board', 'unwritten', '{}')");
    old.close();

    const storage = createSqliteStorage(dataDir, createLogger('silent'));
    onTestCleanup(() => storage.close());
    expect(await storage.loadSequenced('board', 'a')).toEqual({ seq: 2, value: { cards: 2 } });
    expect(await storage.loadSequenced('board', 'unwritten')).toEqual({ seq: 0, value: {} });
    await pruneAll(storage, PRUNE_POLICY, 20 * MINUTE_MS);
    expect(await storedSeqs(storage, 'board:a')).toEqual([]);
  });

  it('G5 an upgraded database gets the tombstones table: a run pruned there leaves its tombstone', async () => {
    const storage = createSqliteStorage(
      oldDatabase(OLD_SCHEMAS['with retention']),
      createLogger('silent'),
    );
    onTestCleanup(() => storage.close());
    await storeRun(storage, 'old', 'completed', 0);

    await pruneAll(storage, PRUNE_POLICY, 70 * MINUTE_MS);
    expect(await storage.loadTombstone('old')).toEqual({ id: 'old', deletedAt: 70 * MINUTE_MS });
    expect(await storage.untoldTombstones(10)).toEqual([{ id: 'old', deletedAt: 70 * MINUTE_MS }]);
  });

  it('CM1 an upgraded database counts its runs by status from the status index, without reading the runs', async () => {
    const dataDir = oldDatabase(OLD_SCHEMAS['with retention']);
    const db = new Database(join(dataDir, DATABASE_FILE));
    db.exec(`INSERT INTO documents (kind, id, json) VALUES
      ('workflow', 'w1', '{"status":"running"}'), ('workflow', 'w2', '{"status":"failed"}')`);
    db.close();
    const storage = createSqliteStorage(dataDir, createLogger('silent'));
    onTestCleanup(() => storage.close());

    expect(await storage.countWorkflows()).toMatchObject({ running: 1, failed: 1, completed: 0 });
    const reader = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    onTestCleanup(() => reader.close());
    const plan = reader
      .prepare(
        `EXPLAIN QUERY PLAN SELECT ${RUN_STATUS}, COUNT(*) FROM documents WHERE kind = 'workflow' GROUP BY ${RUN_STATUS}`,
      )
      .all()
      .map((row) => (row as { detail: string }).detail);
    expect(plan).toEqual(['SEARCH documents USING INDEX documents_run_status (kind=?)']);
  });

  it('W7 an upgraded database pages its runs newest first, seeking the created index instead of reading every run', async () => {
    const dataDir = oldDatabase(OLD_SCHEMAS['with retention']);
    const db = new Database(join(dataDir, DATABASE_FILE));
    db.exec(`INSERT INTO documents (kind, id, json) VALUES
      ('workflow', 'w1', '{"created_at":1}'), ('workflow', 'w2', '{"created_at":2}'),
      ('workflow', 'w3', '{"created_at":3}')`);
    db.close();
    const storage = createSqliteStorage(dataDir, createLogger('silent'));
    onTestCleanup(() => storage.close());

    const first = await storage.readWorkflowPage(null, 2);
    expect(first.map((run) => run.position)).toEqual([
      { created_at: 3, id: 'w3' },
      { created_at: 2, id: 'w2' },
    ]);
    const rest = await storage.readWorkflowPage({ created_at: 2, id: 'w2' }, 2);
    expect(rest.map((run) => run.value)).toEqual([{ created_at: 1 }]);
    const reader = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
    onTestCleanup(() => reader.close());
    const plan = reader
      .prepare(
        `EXPLAIN QUERY PLAN SELECT json FROM documents WHERE kind = 'workflow' AND ${RUN_CREATED} <= 2
         AND (${RUN_CREATED}, id) < (2, 'w2') ORDER BY ${RUN_CREATED} DESC, id DESC LIMIT 2`,
      )
      .all()
      .map((row) => (row as { detail: string }).detail);
    expect(plan).toEqual([
      'SEARCH documents USING INDEX documents_run_created (kind=? AND <expr><?)',
    ]);
  });

  it('an upgraded database opens again with its events and op ids', async () => {
    const dataDir = oldDatabase(OLD_SCHEMAS['with retention']);
    await createSqliteStorage(dataDir, createLogger('silent')).close();
    const storage = createSqliteStorage(dataDir, createLogger('silent'));
    onTestCleanup(() => storage.close());

    expect(await storage.readEvents('board:a', 0, 10)).toHaveLength(2);
    expect(await storage.appliedOp('board:a', 'op-2')).toBe(2);
  });
});
