import type pg from 'pg';
import { boardSeqOfRoomSql } from './boardRooms.js';
import { createEpoch } from './createEpoch.js';
import type { PrunePolicy, PruneReport } from './Storage.js';
import { UNBORN_ROOMS } from './unbornRooms.js';

// A finished run's last change, null while it runs: a generated, indexed column (postgresSchema.ts).
const FINISHED = 'run_finished_at IS NOT NULL';
const FINISHED_AT = 'run_finished_at';

/**
 * The PostgreSQL side of `Storage.prune` (PROTOCOL.md G1–G4), the rules of the SQLite pruner in
 * one transaction of at most `policy.batchRows` deleted rows: op ids past their age (rows from
 * before the `at` column get a time first, so they are kept a whole window from then), events a
 * room's replay window no longer holds (by count from its head, or by age: always a prefix of the
 * room by seq, whatever the nodes' clocks wrote), then finished runs past their retention or their
 * count with their room, each leaving a tombstone, then tombstones past their age or, once told, their count (G5).
 */
export async function prunePostgres(
  client: pg.PoolClient,
  policy: PrunePolicy,
  now: number,
): Promise<PruneReport> {
  let budget = policy.batchRows;
  const count = async (text: string, values: unknown[]): Promise<number> =>
    (await client.query(text, values)).rowCount ?? 0;
  await client.query('BEGIN');
  try {
    budget -= await count(
      'UPDATE applied_ops SET at = $1 WHERE ctid IN (SELECT ctid FROM applied_ops WHERE at IS NULL LIMIT $2)',
      [now, budget],
    );
    const ops = await count(
      'DELETE FROM applied_ops WHERE ctid IN (SELECT ctid FROM applied_ops WHERE at < $1 ORDER BY at LIMIT $2)',
      [now - policy.opIdMaxAgeMs, Math.max(0, budget)],
    );
    budget -= ops;
    // Each room loses a prefix of its events by seq, never a hole: those past its count, and those
    // older than the oldest young event (nodes' clocks differ, so time need not rise with seq);
    // never a board's events after its document (B6). Ordered by room and seq, a batch takes each
    // room's oldest first.
    const events = await count(
      `DELETE FROM room_events WHERE ctid IN (
         SELECT e.ctid FROM room_events e JOIN (
           SELECT r.room, LEAST(GREATEST(r.head_seq - $1, COALESCE(
             (SELECT MIN(y.seq) FROM room_events y WHERE y.room = r.room AND y.at >= $2),
             r.head_seq + 1) - 1), COALESCE(${boardSeqOfRoomSql('r.room')}, r.head_seq)) AS cutoff
           FROM rooms r) b ON b.room = e.room
         WHERE e.seq <= b.cutoff ORDER BY e.room, e.seq LIMIT $3)`,
      [policy.roomMaxEvents, now - policy.eventMaxAgeMs, Math.max(0, budget)],
    );
    budget -= events;
    // As in SQLite's pruner: past the age, or finished no later than the newest past the count.
    const { rows } = await client.query<{ id: string }>(
      `SELECT id FROM documents WHERE ${FINISHED} AND (${FINISHED_AT} < $1 OR ${FINISHED_AT} <= (
         SELECT ${FINISHED_AT} FROM documents WHERE ${FINISHED} ORDER BY ${FINISHED_AT} DESC LIMIT 1 OFFSET $3))
       ORDER BY ${FINISHED_AT} LIMIT $2`,
      [now - policy.runMaxAgeMs, Math.max(0, budget), policy.runMaxCount],
    );
    const runs: string[] = [];
    for (const { id } of rows) {
      if (budget <= 0) break;
      const room = policy.runRoom(id);
      budget -= await count("DELETE FROM documents WHERE kind = 'workflow' AND id = $1", [id]);
      budget -= await count('DELETE FROM room_events WHERE room = $1', [room]);
      budget -= await count('DELETE FROM applied_ops WHERE room = $1', [room]);
      // As in SQLite's pruner: a run born in the unborn epoch moves it on (SEQ5).
      await client.query(
        `UPDATE rooms SET epoch = $1 WHERE room = '${UNBORN_ROOMS}' AND epoch = (SELECT epoch FROM rooms WHERE room = $2)`,
        [createEpoch(), room],
      );
      await client.query('DELETE FROM rooms WHERE room = $1', [room]);
      // A run deleted again (its id was started anew) gets a fresh, untold tombstone.
      await client.query(
        `INSERT INTO workflow_tombstones (id, deleted_at, told) VALUES ($1, $2, FALSE)
         ON CONFLICT (id) DO UPDATE SET deleted_at = EXCLUDED.deleted_at, told = FALSE`,
        [id, now],
      );
      runs.push(id);
    }
    // As in SQLite's pruner: past their age, or told and past the count.
    const tombstones = await count(
      `DELETE FROM workflow_tombstones WHERE id IN (SELECT id FROM workflow_tombstones WHERE deleted_at < $1
         OR (told AND deleted_at <= (SELECT deleted_at FROM workflow_tombstones ORDER BY deleted_at DESC LIMIT 1 OFFSET $3))
         ORDER BY deleted_at LIMIT $2)`,
      [now - policy.tombstoneMaxAgeMs, Math.max(0, budget), policy.tombstoneMaxCount],
    );
    budget -= tombstones;
    await client.query('COMMIT');
    return { events, ops, runs, tombstones, more: budget <= 0 || runs.length < rows.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
