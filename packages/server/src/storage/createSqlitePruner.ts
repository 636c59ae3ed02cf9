import { TERMINAL_WORKFLOW_STATUSES } from '@liveline/protocol';
import type Database from 'better-sqlite3';
import type { PrunePolicy, PruneReport } from './Storage.js';

const FINISHED = `kind = 'workflow' AND json_extract(json, '$.status') IN (${TERMINAL_WORKFLOW_STATUSES.map((s) => `'${s}'`).join(', ')})`;
const FINISHED_AT = `json_extract(json, '$.updated_at')`;

/**
 * What pruning needs beside the tables: when each op id was applied (rows stored before this
 * column existed get a time on their first prune, so they are kept a whole window from then), and
 * indexes that find old op ids and finished runs without reading every row.
 */
export function addRetentionSchema(db: Database.Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('applied_ops')").pluck().all();
  if (!columns.includes('at')) db.exec('ALTER TABLE applied_ops ADD COLUMN at REAL');
  db.exec(`
CREATE INDEX IF NOT EXISTS applied_ops_at ON applied_ops (at);
CREATE INDEX IF NOT EXISTS finished_runs ON documents (${FINISHED_AT}) WHERE ${FINISHED};
`);
}

/** Rooms looked at per call when trimming events, so one call never walks every room. */
const ROOMS_PER_CALL = 64;
/**
 * Rooms whose frames one call sums for the bytes bound: each sum reads up to a whole window of
 * rows (`roomMaxEvents`), so a call sums a few and leaves the rest to the next.
 */
const BYTE_SUMS_PER_CALL = 8;

/**
 * The SQLite side of `Storage.prune` (PROTOCOL.md G1–G4): each call deletes at most
 * `policy.batchRows` rows in one transaction. Events are trimmed room by room from a cursor that
 * goes round the rooms table across calls. A room's frames are summed for the bytes bound only
 * when its head moved since they last were, so an idle room costs one row per pass.
 */
export function createSqlitePruner(
  db: Database.Database,
): (policy: PrunePolicy, now: number) => PruneReport {
  const statements = {
    stampOps: db.prepare(
      'UPDATE applied_ops SET at = ? WHERE rowid IN (SELECT rowid FROM applied_ops WHERE at IS NULL LIMIT ?)',
    ),
    dropOps: db.prepare(
      'DELETE FROM applied_ops WHERE rowid IN (SELECT rowid FROM applied_ops WHERE at < ? ORDER BY at LIMIT ?)',
    ),
    rooms: db.prepare('SELECT room, head_seq FROM rooms WHERE room > ? ORDER BY room LIMIT ?'),
    oldest: db.prepare('SELECT seq, at FROM room_events WHERE room = ? ORDER BY seq LIMIT ?'),
    dropEvents: db.prepare('DELETE FROM room_events WHERE room = ? AND seq <= ?'),
    // The newest seq whose frame, with every newer one, is over the bytes bound (bytes in UTF-8,
    // as the broker counts them, not characters).
    bytesCut: db
      .prepare(
        `SELECT max(seq) FROM (SELECT seq, sum(octet_length(frame)) OVER (ORDER BY seq DESC) AS newer
         FROM room_events WHERE room = ?) WHERE newer > ?`,
      )
      .pluck(),
    // Without statistics the planner would rather walk every workflow by `kind`.
    finishedRuns: db
      .prepare(
        `SELECT id FROM documents INDEXED BY finished_runs WHERE ${FINISHED} AND ${FINISHED_AT} < ? ORDER BY ${FINISHED_AT} LIMIT ?`,
      )
      .pluck(),
    dropRunDocument: db.prepare("DELETE FROM documents WHERE kind = 'workflow' AND id = ?"),
    dropRoom: db.prepare('DELETE FROM rooms WHERE room = ?'),
    dropRoomEvents: db.prepare('DELETE FROM room_events WHERE room = ?'),
    dropRoomOps: db.prepare('DELETE FROM applied_ops WHERE room = ?'),
  };
  let cursor = '';
  /** Each room's head when its frames were last summed and trimmed to the bytes bound. */
  const summedAt = new Map<string, number>();

  /** Deletes a room's events that replay can no longer serve (G1); returns how many. */
  const trimRoom = (
    room: string,
    headSeq: number,
    policy: PrunePolicy,
    now: number,
    budget: number,
  ) => {
    const summed = summedAt.get(room) === headSeq;
    const bytesCut = summed
      ? 0
      : ((statements.bytesCut.get(room, policy.roomMaxBytes) as number | null) ?? 0);
    let last = -1;
    let count = 0;
    for (const row of statements.oldest.iterate(room, budget) as Iterable<{
      seq: number;
      at: number;
    }>) {
      if (
        row.seq > bytesCut &&
        row.seq > headSeq - policy.roomMaxEvents &&
        row.at >= now - policy.eventMaxAgeMs
      )
        break;
      last = row.seq;
      count += 1;
    }
    if (count > 0) statements.dropEvents.run(room, last);
    // A room the budget ran out in is summed again by the next call.
    if (count < budget) summedAt.set(room, headSeq);
    return count;
  };

  /** One pass of the room cursor; `wrapped` when it reached the last room. */
  const trimEvents = (policy: PrunePolicy, now: number, budget: number) => {
    if (budget <= 0) return { deleted: 0, wrapped: false };
    const rooms = statements.rooms.all(cursor, ROOMS_PER_CALL) as {
      room: string;
      head_seq: number;
    }[];
    let deleted = 0;
    let sums = 0;
    for (const { room, head_seq } of rooms) {
      if (summedAt.get(room) !== head_seq) sums += 1;
      if (sums > BYTE_SUMS_PER_CALL) return { deleted, wrapped: false };
      deleted += trimRoom(room, head_seq, policy, now, budget - deleted);
      // A room the budget ran out in is looked at again by the next call.
      if (deleted >= budget) return { deleted, wrapped: false };
      cursor = room;
    }
    const wrapped = rooms.length < ROOMS_PER_CALL;
    if (wrapped) cursor = '';
    return { deleted, wrapped };
  };

  /** Deletes finished runs past their retention with their room (G3), while the budget lasts. */
  const dropRuns = (policy: PrunePolicy, now: number, budget: number) => {
    const ids = statements.finishedRuns.all(now - policy.runMaxAgeMs, budget) as string[];
    const runs: string[] = [];
    let deleted = 0;
    for (const id of ids) {
      if (deleted >= budget) break;
      const room = policy.runRoom(id);
      deleted += statements.dropRunDocument.run(id).changes;
      deleted += statements.dropRoomEvents.run(room).changes;
      deleted += statements.dropRoomOps.run(room).changes;
      statements.dropRoom.run(room);
      summedAt.delete(room);
      runs.push(id);
    }
    return { runs, deleted, more: runs.length < ids.length || ids.length === budget };
  };

  const pruneOnce = db.transaction((policy: PrunePolicy, now: number): PruneReport => {
    let budget = policy.batchRows;
    budget -= statements.stampOps.run(now, budget).changes;
    const ops = statements.dropOps.run(now - policy.opIdMaxAgeMs, budget).changes;
    budget -= ops;
    const events = trimEvents(policy, now, budget);
    budget -= events.deleted;
    const runs = budget > 0 ? dropRuns(policy, now, budget) : { runs: [], deleted: 0, more: true };
    budget -= runs.deleted;
    return {
      events: events.deleted,
      ops,
      runs: runs.runs,
      more: budget <= 0 || !events.wrapped || runs.more,
    };
  });
  return (policy, now) => pruneOnce(policy, now);
}
