import type Database from 'better-sqlite3';
import { BOARD_SEQ_UPGRADE_SQL } from './boardRooms.js';
import { addRetentionSchema } from './createSqlitePruner.js';
import { UNBORN_ROOMS } from './unbornRooms.js';

/**
 * `applied_ops` is written once per op and read by its composite key only, so it is stored as
 * that key's b-tree (WITHOUT ROWID): a rowid table keeps the key in a second b-tree and writes
 * one more page per commit. `room_events` stays a rowid table: its frames (a few hundred bytes)
 * are appended at one end and deleted at the other, which a rowid table packs into full pages;
 * keyed by (room, seq) the same stream left half-full pages and the file kept growing.
 */
const APPLIED_OPS_COLUMNS =
  'room TEXT NOT NULL, op_id TEXT NOT NULL, seq INTEGER NOT NULL, at REAL, PRIMARY KEY (room, op_id)';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS room_events (room TEXT NOT NULL, seq INTEGER NOT NULL, frame TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (room, seq));
CREATE TABLE IF NOT EXISTS applied_ops (${APPLIED_OPS_COLUMNS}) WITHOUT ROWID;
`;

/** A run's status, as the status index holds it. */
export const RUN_STATUS = `json_extract(json, '$.status')`;
/**
 * Counting runs by status (the metrics, every tick) reads this index only; it leads with `kind`, or
 * the planner prefers the primary key and parses every run. Partial, so that a board write does
 * not pay for it.
 */
const STATUS_INDEX = `CREATE INDEX IF NOT EXISTS documents_run_status ON documents (kind, ${RUN_STATUS}) WHERE kind = 'workflow'`;

/** A run's creation time, as the page index holds it. */
export const RUN_CREATED = `json_extract(json, '$.created_at')`;
/**
 * Listing runs newest first (`GET /api/workflows`, a page at a time) walks this index from its
 * end instead of reading and sorting every run; partial like the status index.
 */
const CREATED_INDEX = `CREATE INDEX IF NOT EXISTS documents_run_created ON documents (kind, ${RUN_CREATED} DESC, id DESC) WHERE kind = 'workflow'`;

/**
 * Copies the rowid `applied_ops` of databases made before WITHOUT ROWID into the keyed form, rows
 * unchanged (a missing `at` stays null; its index goes with the old table and is made again).
 */
const migrateAppliedOps = (db: Database.Database): void => {
  const keyed = db.prepare("SELECT wr FROM pragma_table_list WHERE name = 'applied_ops'").pluck();
  if (keyed.get() === 1) return;
  const names = db.prepare("SELECT name FROM pragma_table_info('applied_ops')").pluck().all();
  const columns = names.join(', ');
  db.exec(`
CREATE TABLE applied_ops_keyed (${APPLIED_OPS_COLUMNS}) WITHOUT ROWID;
INSERT INTO applied_ops_keyed (${columns}) SELECT ${columns} FROM applied_ops;
DROP TABLE applied_ops;
ALTER TABLE applied_ops_keyed RENAME TO applied_ops;
`);
};

/**
 * Gives a database its unborn epoch (SEQ5). One made before it also loses the rows that joins and
 * reads of ids never written left at seq 0 (no deleted run's room is at seq 0 before it).
 */
const addUnbornRooms = (db: Database.Database): void => {
  if (db.prepare('SELECT 1 FROM rooms WHERE room = ?').get(UNBORN_ROOMS)) return;
  db.exec(`DELETE FROM rooms WHERE head_seq = 0;
INSERT INTO rooms (room, epoch, head_seq) VALUES ('${UNBORN_ROOMS}', 'u' || lower(hex(randomblob(8))), 0);`);
};

/**
 * Creates the tables of a new database and brings an older one up to date in one transaction:
 * its data stays, and an interrupted upgrade leaves the old schema to be upgraded next time.
 */
export const createSqliteSchema = (db: Database.Database): void =>
  db.transaction(() => {
    db.exec(SCHEMA);
    // Databases made before compare-and-set documents (Storage.swapDocument) get the column.
    const columns = db.prepare("SELECT name FROM pragma_table_info('documents')").pluck().all();
    if (!columns.includes('version'))
      db.exec('ALTER TABLE documents ADD COLUMN version INTEGER NOT NULL DEFAULT 0');
    // Databases made before a board was its document plus the events after it (B6).
    if (!columns.includes('seq'))
      db.exec(
        `ALTER TABLE documents ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;${BOARD_SEQ_UPGRADE_SQL};`,
      );
    migrateAppliedOps(db);
    addRetentionSchema(db);
    db.exec(STATUS_INDEX);
    db.exec(CREATED_INDEX);
    addUnbornRooms(db);
  })();
