import type Database from 'better-sqlite3';
import type { Storage, Tombstone } from './Storage.js';

/** The tombstone methods of a storage, done synchronously. */
export type SqliteTombstones = {
  [K in 'loadTombstone' | 'untoldTombstones' | 'markTold']: (
    ...args: Parameters<Storage[K]>
  ) => Awaited<ReturnType<Storage[K]>>;
};

const tombstoneOf = (row: unknown): Tombstone | null => {
  if (typeof row !== 'object' || row === null) return null;
  const { id, deleted_at: deletedAt } = row as Record<string, unknown>;
  return typeof id === 'string' && typeof deletedAt === 'number' ? { id, deletedAt } : null;
};

/**
 * The tombstones of deleted runs in SQLite (PROTOCOL.md G5); the pruner writes and deletes them
 * (`createSqlitePruner`, which also holds their table).
 */
export function createSqliteTombstones(db: Database.Database): SqliteTombstones {
  const statements = {
    load: db.prepare('SELECT id, deleted_at FROM workflow_tombstones WHERE id = ?'),
    untold: db.prepare(
      `SELECT id, deleted_at FROM workflow_tombstones t WHERE told = 0
       AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.kind = 'workflow' AND d.id = t.id)
       ORDER BY deleted_at LIMIT ?`,
    ),
    told: db.prepare('UPDATE workflow_tombstones SET told = 1 WHERE id = ? AND deleted_at = ?'),
  };
  const markTold = db.transaction((tombstones: readonly Tombstone[]) => {
    for (const { id, deletedAt } of tombstones) statements.told.run(id, deletedAt);
  });
  return {
    loadTombstone: (id) => tombstoneOf(statements.load.get(id)),
    untoldTombstones: (limit) =>
      statements.untold.all(limit).flatMap((row) => tombstoneOf(row) ?? []),
    markTold,
  };
}
