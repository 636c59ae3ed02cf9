import type { Query } from './postgresLeases.js';
import type { Storage, Tombstone } from './Storage.js';

interface TombstoneRow {
  id: string;
  deleted_at: number;
}

const tombstoneOf = (row: TombstoneRow): Tombstone => ({ id: row.id, deletedAt: row.deleted_at });

/**
 * The tombstones of deleted runs in PostgreSQL (PROTOCOL.md G5); `prunePostgres` writes and
 * deletes them. Every node may tell a deletion: two that do send the same notice twice, which
 * closes nothing more.
 */
export function postgresTombstones(
  query: Query,
): Pick<Storage, 'loadTombstone' | 'untoldTombstones' | 'markTold'> {
  return {
    loadTombstone: async (id) => {
      const [row] = await query<TombstoneRow>(
        'read tombstone',
        'SELECT id, deleted_at FROM workflow_tombstones WHERE id = $1',
        [id],
      );
      return row ? tombstoneOf(row) : null;
    },
    untoldTombstones: async (limit) =>
      (
        await query<TombstoneRow>(
          'read tombstones',
          `SELECT id, deleted_at FROM workflow_tombstones t WHERE NOT told
           AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.kind = 'workflow' AND d.id = t.id)
           ORDER BY deleted_at LIMIT $1`,
          [limit],
        )
      ).map(tombstoneOf),
    async markTold(tombstones) {
      if (tombstones.length === 0) return;
      await query(
        'mark tombstones told',
        `UPDATE workflow_tombstones t SET told = TRUE FROM unnest($1::text[], $2::float8[]) AS m(id, deleted_at)
         WHERE t.id = m.id AND t.deleted_at = m.deleted_at`,
        [tombstones.map((t) => t.id), tombstones.map((t) => t.deletedAt)],
      );
    },
  };
}
