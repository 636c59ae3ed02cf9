import type Database from 'better-sqlite3';
import type { LeaseFence, RunLease, Storage } from './Storage.js';

const LEASE_SCHEMA = `
CREATE TABLE IF NOT EXISTS workflow_leases (run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, token INTEGER NOT NULL, expires_at REAL NOT NULL, handovers INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS workflow_leases_expiry ON workflow_leases (expires_at);
`;
/** What acquisitions and renewals answer. */
const LEASE_COLUMNS = 'owner, token, expires_at, handovers';

/** The run lease methods of a storage, done synchronously. */
export type SqliteLeases = {
  [K in 'acquireLease' | 'renewLease' | 'releaseLease' | 'handOverLease' | 'lapsedLeases']: (
    ...args: Parameters<Storage[K]>
  ) => Awaited<ReturnType<Storage[K]>>;
} & {
  /** Whether an append conditioned on `fence` must be refused (WL3); called inside its transaction. */
  fenced(fence: LeaseFence): boolean;
};

const leaseOf = (runId: string, row: unknown): RunLease | null => {
  if (typeof row !== 'object' || row === null) return null;
  const { owner, token, expires_at: expiresAt, handovers } = row as Record<string, unknown>;
  return typeof owner === 'string' &&
    typeof token === 'number' &&
    typeof expiresAt === 'number' &&
    typeof handovers === 'number'
    ? { runId, owner, token, expiresAt, handovers }
    : null;
};

/**
 * Run leases in SQLite (PROTOCOL.md WL1–WL4). The embedded database belongs to one process, so
 * opening it lapses every lease an earlier process held: a restarted single node takes its runs
 * back at once instead of waiting for their leases to run out. Tokens survive, so resumes are still
 * counted across restarts (W4).
 */
export function createSqliteLeases(db: Database.Database): SqliteLeases {
  db.exec(LEASE_SCHEMA);
  const columns = db.prepare("SELECT name FROM pragma_table_info('workflow_leases')").pluck().all();
  if (!columns.includes('handovers'))
    db.exec('ALTER TABLE workflow_leases ADD COLUMN handovers INTEGER NOT NULL DEFAULT 0');
  db.exec('UPDATE workflow_leases SET expires_at = 0');
  const statements = {
    acquire: db.prepare(
      `INSERT INTO workflow_leases (run_id, owner, token, expires_at) VALUES (?, ?, 1, ?)
       ON CONFLICT (run_id) DO UPDATE SET owner = excluded.owner, token = token + 1, expires_at = excluded.expires_at
       WHERE expires_at <= ? OR owner = excluded.owner
       RETURNING ${LEASE_COLUMNS}`,
    ),
    renew: db.prepare(
      `UPDATE workflow_leases SET expires_at = ? WHERE run_id = ? AND token = ? AND handovers = ? RETURNING ${LEASE_COLUMNS}`,
    ),
    release: db.prepare('DELETE FROM workflow_leases WHERE run_id = ? AND token = ?'),
    handOver: db.prepare(
      'UPDATE workflow_leases SET expires_at = 0, handovers = handovers + 1 WHERE run_id = ? AND token = ?',
    ),
    lapsed: db
      .prepare(
        'SELECT run_id FROM workflow_leases WHERE expires_at <= ? ORDER BY expires_at LIMIT ?',
      )
      .pluck(),
    token: db.prepare('SELECT token FROM workflow_leases WHERE run_id = ?').pluck(),
  };
  return {
    acquireLease: (runId, owner, ttlMs, now) =>
      leaseOf(runId, statements.acquire.get(runId, owner, now + ttlMs, now)),
    renewLease: (lease, ttlMs, now) =>
      leaseOf(
        lease.runId,
        statements.renew.get(now + ttlMs, lease.runId, lease.token, lease.handovers),
      ),
    releaseLease(runId, token) {
      statements.release.run(runId, token);
    },
    handOverLease(runId, token) {
      statements.handOver.run(runId, token);
    },
    lapsedLeases: (now, limit) =>
      statements.lapsed.all(now, limit).filter((id): id is string => typeof id === 'string'),
    fenced: (fence) => statements.token.get(fence.runId) !== fence.token,
  };
}
