import type Database from 'better-sqlite3';
import { addRetentionSchema } from './createSqlitePruner.js';

/**
 * The keyed tables. `room_events` and `applied_ops` are written once per event and read by their
 * composite key only, so they are stored as that key's b-tree (WITHOUT ROWID): a rowid table
 * would keep the key in a second b-tree and write twice the pages per commit.
 */
const KEYED_TABLES = {
  room_events:
    'room TEXT NOT NULL, seq INTEGER NOT NULL, frame TEXT NOT NULL, at REAL NOT NULL, PRIMARY KEY (room, seq)',
  applied_ops:
    'room TEXT NOT NULL, op_id TEXT NOT NULL, seq INTEGER NOT NULL, at REAL, PRIMARY KEY (room, op_id)',
} as const;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, PRIMARY KEY (kind, id));
CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq INTEGER NOT NULL);
${Object.entries(KEYED_TABLES)
  .map(([table, columns]) => `CREATE TABLE IF NOT EXISTS ${table} (${columns}) WITHOUT ROWID;`)
  .join('\n')}
`;

/** A run's status, as the status index holds it. */
export const RUN_STATUS = `json_extract(json, '$.status')`;
/**
 * Counting runs by status (the metrics, every tick) reads this index only; it leads with `kind`, or
 * the planner prefers the primary key and parses every run. Partial, so that a board write does
 * not pay for it.
 */
const STATUS_INDEX = `CREATE INDEX IF NOT EXISTS documents_run_status ON documents (kind, ${RUN_STATUS}) WHERE kind = 'workflow'`;

/**
 * Copies a table that databases made before WITHOUT ROWID keep as a rowid table into the keyed
 * form, rows unchanged (its indexes go with the old table; the callers create them afterwards).
 */
const migrateToKeyed = (db: Database.Database, table: keyof typeof KEYED_TABLES): void => {
  const keyed = db.prepare('SELECT wr FROM pragma_table_list WHERE name = ?').pluck().get(table);
  if (keyed === 1) return;
  const columns = db.prepare(`SELECT name FROM pragma_table_info('${table}')`).pluck().all();
  const names = columns.join(', ');
  db.exec(`
CREATE TABLE ${table}_keyed (${KEYED_TABLES[table]}) WITHOUT ROWID;
INSERT INTO ${table}_keyed (${names}) SELECT ${names} FROM ${table};
DROP TABLE ${table};
ALTER TABLE ${table}_keyed RENAME TO ${table};
`);
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
    migrateToKeyed(db, 'room_events');
    migrateToKeyed(db, 'applied_ops');
    addRetentionSchema(db);
    db.exec(STATUS_INDEX);
  })();
