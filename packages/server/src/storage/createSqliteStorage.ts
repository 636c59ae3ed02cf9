import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StorageError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { DocumentKind, RoomSeed, Storage, StorageStatus, StorageWrite } from './Storage.js';

/** The database file inside the data directory. */
export const DATABASE_FILE = 'liveline.db';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS room_events (room TEXT NOT NULL, seq INTEGER NOT NULL, frame TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (room, seq));
CREATE TABLE IF NOT EXISTS applied_ops (room TEXT NOT NULL, op_id TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (room, op_id));
`;

const text = (row: unknown, key: string): string | null => {
  if (typeof row !== 'object' || row === null || !(key in row)) return null;
  const value: unknown = (row as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : null;
};
const num = (row: unknown, key: string): number | null => {
  if (typeof row !== 'object' || row === null || !(key in row)) return null;
  const value: unknown = (row as Record<string, unknown>)[key];
  return typeof value === 'number' ? value : null;
};
const parseStored = (json: string | null): unknown =>
  json === null ? null : (JSON.parse(json) as unknown);

const openDatabase = (dataDir: string): Database.Database => {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process kill (only an OS crash can lose the last commit).
  db.pragma('synchronous = NORMAL');
  db.exec(SCHEMA);
  return db;
};

/**
 * Opens the SQLite storage in `dataDir`. If the directory cannot be used the server still starts
 * and reports the error (health `degraded`) instead of crashing. Reads then find nothing, and
 * every write is refused, so that nothing is acknowledged that a restart would lose.
 */
export function createSqliteStorage(dataDir: string, log: Logger): Storage {
  let status: StorageStatus = { ok: true };
  let db: Database.Database;
  let openError: StorageError | null = null;
  try {
    db = openDatabase(dataDir);
  } catch (cause) {
    openError = new StorageError(`cannot open database in ${dataDir}: ${errorMessage(cause)}`, {
      cause,
    });
    log.error('storage.open_failed', { data_dir: dataDir, error: openError.message });
    status = { ok: false, error: openError.message };
    db = new Database(':memory:');
    db.exec(SCHEMA);
  }

  const guard = <T>(what: string, run: () => T): T => {
    try {
      return run();
    } catch (cause) {
      const error = new StorageError(`${what} failed: ${errorMessage(cause)}`, { cause });
      status = { ok: false, error: error.message };
      log.error('storage.error', { operation: what, error: error.message });
      throw error;
    }
  };

  const statements = {
    getDoc: db.prepare('SELECT json FROM documents WHERE kind = ? AND id = ?'),
    listDocs: db.prepare('SELECT json FROM documents WHERE kind = ?'),
    putDoc: db.prepare('INSERT OR REPLACE INTO documents (kind, id, json) VALUES (?, ?, ?)'),
    getRoom: db.prepare('SELECT epoch, head_seq FROM rooms WHERE room = ?'),
    putRoom: db.prepare('INSERT OR REPLACE INTO rooms (room, epoch, head_seq) VALUES (?, ?, ?)'),
    events: db.prepare(
      'SELECT seq, frame, at FROM (SELECT seq, frame, at FROM room_events WHERE room = ? ORDER BY seq DESC LIMIT ?) ORDER BY seq',
    ),
    putEvent: db.prepare(
      'INSERT OR REPLACE INTO room_events (room, seq, frame, at) VALUES (?, ?, ?, ?)',
    ),
    getOp: db.prepare('SELECT seq FROM applied_ops WHERE room = ? AND op_id = ?'),
    putOp: db.prepare('INSERT OR REPLACE INTO applied_ops (room, op_id, seq) VALUES (?, ?, ?)'),
  };

  const writeAll = db.transaction((change: StorageWrite) => {
    for (const doc of change.documents ?? [])
      statements.putDoc.run(doc.kind, doc.id, JSON.stringify(doc.value));
    const { event, op } = change;
    if (event) {
      statements.putRoom.run(event.room, event.epoch, event.seq);
      statements.putEvent.run(event.room, event.seq, event.frame, event.at);
    }
    if (op) statements.putOp.run(op.room, op.opId, op.seq);
  });

  return {
    status: () => status,
    loadDocument: (kind: DocumentKind, id: string) =>
      guard('read document', () => parseStored(text(statements.getDoc.get(kind, id), 'json'))),
    listDocuments: (kind) =>
      guard('list documents', () =>
        statements.listDocs.all(kind).map((row) => parseStored(text(row, 'json'))),
      ),
    loadRoom(room, maxEvents): RoomSeed | null {
      return guard('read room', () => {
        const row = statements.getRoom.get(room);
        const epoch = text(row, 'epoch');
        const headSeq = num(row, 'head_seq');
        if (epoch === null || headSeq === null) return null;
        const entries = statements.events.all(room, maxEvents).flatMap((event) => {
          const seq = num(event, 'seq');
          const frame = text(event, 'frame');
          const at = num(event, 'at');
          return seq === null || frame === null || at === null ? [] : [{ seq, frame, at }];
        });
        return { epoch, headSeq, entries };
      });
    },
    appliedOp: (room, opId) => guard('read op', () => num(statements.getOp.get(room, opId), 'seq')),
    write(change) {
      if (openError) throw openError;
      guard('write', () => writeAll(change));
      if (!status.ok) status = { ok: true };
    },
    close() {
      try {
        if (db.open) db.close();
      } catch (cause) {
        log.error('storage.close_failed', { error: errorMessage(cause) });
      }
    },
  };
}
