import { mkdirSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { createSqliteLeases } from './createSqliteLeases.js';
import { createSqlitePruner } from './createSqlitePruner.js';
import { createSqliteTombstones } from './createSqliteTombstones.js';
import { createStorageHealth } from './createStorageHealth.js';
import { RUN_CREATED, RUN_STATUS, createSqliteSchema } from './createSqliteSchema.js';
import type {
  AppendRequest,
  AppendResult,
  DocumentWrite,
  HistoryEntry,
  RoomHead,
  Storage,
  StoredWorkflow,
  SwapResult,
  VersionedDocument,
} from './Storage.js';
import { UNBORN_ROOMS, readHeadSql } from './unbornRooms.js';
import { workflowCountsOf } from './workflowCounts.js';

/**
 * The workflow runs whose status is in a JSON array of statuses, through the status index:
 * `kind` is a literal so that the partial index applies, and the array one parameter so that one
 * prepared statement serves any set of statuses.
 */
const WITH_STATUS_IN = `FROM documents WHERE kind = 'workflow' AND ${RUN_STATUS} IN (SELECT value FROM json_each(?))`;
/** Reads those runs (rule W4). */
export const LIST_WORKFLOWS_SQL = `SELECT json ${WITH_STATUS_IN}`;
/** Counts those runs (rule W8). */
export const COUNT_WORKFLOWS_IN_SQL = `SELECT COUNT(*) AS count ${WITH_STATUS_IN}`;

/** The database file inside the data directory. */
export const DATABASE_FILE = 'liveline.db';

/**
 * The size the WAL is cut back to once a checkpoint lets it start over. It grows past SQLite's
 * 1000-page checkpoint (about 4 MiB) only while a reader holds an old snapshot (a backup); without
 * a limit the file would keep that high-water mark.
 */
export const WAL_SIZE_LIMIT_BYTES = 4 * 1024 * 1024;

const field = (row: unknown, key: string): unknown =>
  typeof row === 'object' && row !== null && key in row
    ? (row as Record<string, unknown>)[key]
    : null;
const text = (row: unknown, key: string): string | null => {
  const value = field(row, key);
  return typeof value === 'string' ? value : null;
};
const num = (row: unknown, key: string): number | null => {
  const value = field(row, key);
  return typeof value === 'number' ? value : null;
};
const parseStored = (json: string | null): unknown =>
  json === null ? null : (JSON.parse(json) as unknown);
const parseJsonColumn = (row: unknown): unknown => parseStored(text(row, 'json'));

/**
 * How long a statement waits for a lock another process holds on the database, in ms. The wait
 * blocks the event loop: with better-sqlite3's 5 s, a write (and the storage probe, every second)
 * froze every socket for 5 s while, say, an operator's `sqlite3` shell held `BEGIN EXCLUSIVE`. This
 * server alone never waits on a lock (one connection; a backup only reads), so a longer wait would
 * only serve a foreign writer: past it the write is refused `unavailable`, and retried.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 20;

const openDatabase = (dataDir: string): Database.Database => {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE), { timeout: SQLITE_BUSY_TIMEOUT_MS });
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process kill; an OS crash or power loss can roll back the
  // commits since the last sync (before a checkpoint). FULL would sync each (docs/decisions.md).
  db.pragma('synchronous = NORMAL');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  createSqliteSchema(db);
  return db;
};

/** The room the storage probe writes and deletes; no room is named without a `kind:` prefix. */
const PROBE_ROOM = '(storage probe)';

/** Runs `work` now (the executor is synchronous) and settles with its result or its error. */
const settle = <T>(work: () => T): Promise<T> => new Promise<T>((resolve) => resolve(work()));

/**
 * Opens the SQLite storage in `dataDir`. If the directory cannot be used the server still starts
 * and reports the error (health `degraded`) instead of crashing: reads find nothing, every room
 * is at seq 0 of an epoch that lives in memory only, and every append or document write is
 * refused, so that nothing is acknowledged that a restart would lose. Work is done synchronously
 * and returned as settled promises, so the single node pays no extra tick per operation.
 */
export function createSqliteStorage(dataDir: string, log: Logger): Storage {
  const file = join(dataDir, DATABASE_FILE);
  let db: Database.Database;
  let opened: Stats | undefined;
  let openError: StorageError | null = null;
  try {
    db = openDatabase(dataDir);
    opened = statSync(file);
  } catch (cause) {
    openError = new StorageError(`cannot open database in ${dataDir}: ${errorMessage(cause)}`, {
      cause,
    });
    db = new Database(':memory:');
    createSqliteSchema(db);
  }
  const health = createStorageHealth({
    engine: 'sqlite',
    log,
    probe: openError ? null : () => write('probe', probeWrite),
  });
  if (openError) health.failed(openError);

  const guard = <T>(what: string, run: () => T): Promise<T> =>
    settle(() => {
      try {
        return run();
      } catch (cause) {
        const error = new StorageError(`${what} failed: ${errorMessage(cause)}`, { cause });
        health.failed(error);
        throw error;
      }
    });
  /**
   * Whether the file opened is no longer at its path (the data directory deleted or the file
   * replaced while the server runs): SQLite would go on writing to the unlinked file, and a
   * restart would open another, losing every write acknowledged meanwhile. Once gone it stays
   * so, without looking again.
   */
  let gone = false;
  const moved = (): boolean => {
    if (gone) return true;
    const now = statSync(file, { throwIfNoEntry: false });
    gone = now?.ino !== opened?.ino || now?.dev !== opened?.dev;
    return gone;
  };
  /** A write: refused while the database could not be opened, or once its file is gone. */
  const write = <T>(what: string, run: () => T): Promise<T> =>
    openError
      ? Promise.reject(openError)
      : guard(what, () => {
          if (moved())
            throw new Error(
              `${file} was removed or replaced while open; writes are refused until the server is restarted`,
            );
          return run();
        });

  const statements = {
    getDoc: db.prepare('SELECT json FROM documents WHERE kind = ? AND id = ?'),
    getSequenced: db.prepare('SELECT json, seq FROM documents WHERE kind = ? AND id = ?'),
    listRuns: db.prepare(LIST_WORKFLOWS_SQL),
    countRunsIn: db.prepare(COUNT_WORKFLOWS_IN_SQL),
    // The planner seeks the index by the first bound only; the row value alone makes it scan.
    // The bound also leaves out a `created_at` that is not a number (SQLite ranks text above).
    runPage: db.prepare(
      `SELECT id, ${RUN_CREATED} AS created_at, json FROM documents
       WHERE kind = 'workflow' AND ${RUN_CREATED} <= @created_at AND (${RUN_CREATED}, id) < (@created_at, @id)
       ORDER BY ${RUN_CREATED} DESC, id DESC LIMIT @limit`,
    ),
    countRuns: db.prepare(
      `SELECT ${RUN_STATUS} AS status, COUNT(*) AS count FROM documents WHERE kind = 'workflow' GROUP BY ${RUN_STATUS}`,
    ),
    countBoards: db.prepare("SELECT COUNT(*) AS count FROM documents WHERE kind = 'board'"),
    putDoc: db.prepare(
      'INSERT INTO documents (kind, id, json, seq) VALUES (?, ?, ?, ?) ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json, seq = excluded.seq',
    ),
    getVersioned: db.prepare('SELECT json, version FROM documents WHERE kind = ? AND id = ?'),
    createVersioned: db.prepare(
      'INSERT INTO documents (kind, id, json, version) VALUES (?, ?, ?, 1) ON CONFLICT (kind, id) DO UPDATE SET json = excluded.json, version = 1 WHERE documents.version = 0',
    ),
    swapVersioned: db.prepare(
      'UPDATE documents SET json = ?, version = version + 1 WHERE kind = ? AND id = ? AND version = ?',
    ),
    getHead: db.prepare(readHeadSql('?')),
    // The room's first event stores its row (SEQ5); later ones move its head.
    setHead: db.prepare(
      'INSERT INTO rooms (room, epoch, head_seq) VALUES (?, ?, ?) ON CONFLICT (room) DO UPDATE SET head_seq = excluded.head_seq',
    ),
    events: db.prepare(
      'SELECT seq, frame, at FROM room_events WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?',
    ),
    putEvent: db.prepare('INSERT INTO room_events (room, seq, frame, at) VALUES (?, ?, ?, ?)'),
    getOp: db.prepare('SELECT seq FROM applied_ops WHERE room = ? AND op_id = ?'),
    putOp: db.prepare('INSERT INTO applied_ops (room, op_id, seq, at) VALUES (?, ?, ?, ?)'),
    probeRoom: db.prepare(
      `INSERT INTO rooms (room, epoch, head_seq) VALUES ('${PROBE_ROOM}', '', 0)`,
    ),
    unprobeRoom: db.prepare(`DELETE FROM rooms WHERE room = '${PROBE_ROOM}'`),
  };
  // SQLite writes nothing for a write that changes nothing (a row set to what it holds), so the
  // probe stores a row and deletes it in one transaction: pages written, nothing kept.
  const probeWrite = db.transaction(() => {
    statements.probeRoom.run();
    statements.unprobeRoom.run();
  });

  const readHead = (room: string): RoomHead => {
    const row = statements.getHead.get(room);
    const epoch = text(row, 'epoch');
    const headSeq = num(row, 'head_seq');
    if (epoch === null || headSeq === null) throw new Error(`the ${UNBORN_ROOMS} row is missing`);
    return { epoch, headSeq };
  };
  const leases = createSqliteLeases(db);
  const putDocument = (doc: DocumentWrite, seq = 0): void => {
    statements.putDoc.run(doc.kind, doc.id, JSON.stringify(doc.value), seq);
  };
  const loadVersioned = (kind: string, id: string): VersionedDocument => {
    const row = statements.getVersioned.get(kind, id);
    return { version: num(row, 'version') ?? 0, value: parseStored(text(row, 'json')) };
  };
  const swapDocument = (doc: DocumentWrite, expected: number): SwapResult => {
    const json = JSON.stringify(doc.value);
    const { changes } =
      expected === 0
        ? statements.createVersioned.run(doc.kind, doc.id, json)
        : statements.swapVersioned.run(json, doc.kind, doc.id, expected);
    return changes === 1
      ? { kind: 'ok' }
      : { kind: 'conflict', current: loadVersioned(doc.kind, doc.id) };
  };
  const append = db.transaction((request: AppendRequest): AppendResult => {
    const { room, opId } = request;
    if (request.fence && leases.fenced(request.fence)) return { kind: 'fenced' };
    if (opId !== undefined) {
      const applied = num(statements.getOp.get(room, opId), 'seq');
      if (applied !== null) return { kind: 'duplicate', seq: applied };
    }
    const head = readHead(room);
    if (head.epoch !== request.epoch || head.headSeq + 1 !== request.seq)
      return { kind: 'conflict', head };
    statements.putEvent.run(room, request.seq, request.frame, request.at);
    statements.setHead.run(room, request.epoch, request.seq);
    for (const doc of request.documents ?? []) putDocument(doc, request.seq);
    if (opId !== undefined) statements.putOp.run(room, opId, request.seq, request.at);
    return { kind: 'ok' };
  });

  const pruneBatch = createSqlitePruner(db);
  const tombstones = createSqliteTombstones(db);

  return {
    status: () => health.status(),
    readHead: (room) => guard('read head', () => readHead(room)),
    append: (request) => write('append', () => append(request)),
    readEvents: (room, afterSeq, limit) =>
      guard('read events', () =>
        statements.events.all(room, afterSeq, limit).flatMap((row): HistoryEntry[] => {
          const seq = num(row, 'seq');
          const frame = text(row, 'frame');
          const at = num(row, 'at');
          return seq === null || frame === null || at === null ? [] : [{ seq, frame, at }];
        }),
      ),
    loadDocument: (kind, id) =>
      guard('read document', () => parseJsonColumn(statements.getDoc.get(kind, id))),
    loadSequenced: (kind, id) =>
      guard('read document', () => {
        const row = statements.getSequenced.get(kind, id);
        return { seq: num(row, 'seq') ?? 0, value: parseJsonColumn(row) };
      }),
    listWorkflows: (statuses) =>
      guard('list workflows', () =>
        statements.listRuns.all(JSON.stringify(statuses)).map(parseJsonColumn),
      ),
    readWorkflowPage: (before, limit) =>
      guard('read workflow page', () =>
        statements.runPage
          .all({ created_at: Infinity, id: '', ...before, limit })
          .flatMap((row): StoredWorkflow[] => {
            const id = text(row, 'id');
            const createdAt = num(row, 'created_at');
            return id === null || createdAt === null
              ? []
              : [{ position: { created_at: createdAt, id }, value: parseJsonColumn(row) }];
          }),
      ),
    countWorkflows: () =>
      guard('count workflows', () =>
        workflowCountsOf(
          statements.countRuns.all().map((row) => ({
            status: field(row, 'status'),
            count: field(row, 'count'),
          })),
        ),
      ),
    countWorkflowsIn: (statuses) =>
      guard(
        'count workflows',
        () => num(statements.countRunsIn.get(JSON.stringify(statuses)), 'count') ?? 0,
      ),
    countBoards: () => guard('count boards', () => num(statements.countBoards.get(), 'count') ?? 0),
    putDocument: (doc) => write('write document', () => putDocument(doc)),
    loadVersioned: (kind, id) => guard('read document', () => loadVersioned(kind, id)),
    swapDocument: (doc, expected) => write('swap document', () => swapDocument(doc, expected)),
    appliedOp: (room, opId) => guard('read op', () => num(statements.getOp.get(room, opId), 'seq')),
    prune: (policy, now) => write('prune', () => pruneBatch(policy, now)),
    loadTombstone: (id) => guard('read tombstone', () => tombstones.loadTombstone(id)),
    untoldTombstones: (limit) => guard('read tombstones', () => tombstones.untoldTombstones(limit)),
    markTold: (told) => write('mark tombstones told', () => tombstones.markTold(told)),
    acquireLease: (runId, owner, ttlMs, now) =>
      write('acquire lease', () => leases.acquireLease(runId, owner, ttlMs, now)),
    renewLease: (lease, ttlMs, now) =>
      write('renew lease', () => leases.renewLease(lease, ttlMs, now)),
    releaseLease: (runId, token) => write('release lease', () => leases.releaseLease(runId, token)),
    handOverLease: (runId, token) =>
      write('hand over lease', () => leases.handOverLease(runId, token)),
    lapsedLeases: (now, limit) => guard('read leases', () => leases.lapsedLeases(now, limit)),
    close() {
      health.close();
      try {
        if (db.open) db.close();
      } catch (cause) {
        log.error('storage.close_failed', { error: errorMessage(cause) });
      }
      return Promise.resolve();
    },
  };
}
