import { TERMINAL_WORKFLOW_STATUSES } from '@liveline/protocol';
import type Database from 'better-sqlite3';
import { boardSeqOfRoomSql } from './boardRooms.js';
import { createEpoch } from './createEpoch.js';
import type { PrunePolicy, PruneReport } from './Storage.js';
import { UNBORN_ROOMS } from './unbornRooms.js';

const FINISHED = `kind = 'workflow' AND json_extract(json, '$.status') IN (${TERMINAL_WORKFLOW_STATUSES.map((s) => `'${s}'`).join(', ')})`;
const FINISHED_AT = `json_extract(json, '$.updated_at')`;

/**
 * What pruning needs beside the tables: indexes that find old op ids and finished runs without
 * reading every row, and the tombstones of deleted runs (rule G5) with indexes on their age and on
 * those whose watchers were not yet told.
 */
export function addRetentionSchema(db: Database.Database): void {
  db.exec(`
CREATE INDEX IF NOT EXISTS applied_ops_at ON applied_ops (at);
CREATE INDEX IF NOT EXISTS finished_runs ON documents (${FINISHED_AT}) WHERE ${FINISHED};
CREATE TABLE IF NOT EXISTS workflow_tombstones (id TEXT PRIMARY KEY, deleted_at REAL NOT NULL, told INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS workflow_tombstones_age ON workflow_tombstones (deleted_at);
CREATE INDEX IF NOT EXISTS workflow_tombstones_untold ON workflow_tombstones (deleted_at) WHERE told = 0;
`);
}

/** Rooms looked at per call when trimming events, so one call never walks every room. */
const ROOMS_PER_CALL = 64;

/**
 * A room's stored frames as far as they were counted: `bytes` is the UTF-8 size of those with
 * seq ≤ `through`. Each frame is counted once, when it is new, and subtracted when deleted, so
 * applying the bytes bound costs the rows written since the last call, not the rows stored.
 */
interface Tally {
  through: number;
  bytes: number;
}

/**
 * The SQLite side of `Storage.prune` (PROTOCOL.md G1–G4): each call deletes at most
 * `policy.batchRows` rows in one transaction, and counts the bytes of at most as many new frames,
 * so its cost does not grow with the rows a backlog left behind. Events are trimmed room by room
 * from a cursor that goes round the rooms table across calls.
 */
export function createSqlitePruner(
  db: Database.Database,
): (policy: PrunePolicy, now: number) => PruneReport {
  const statements = {
    stampOps: db.prepare(
      'UPDATE applied_ops SET at = ? WHERE (room, op_id) IN (SELECT room, op_id FROM applied_ops WHERE at IS NULL LIMIT ?)',
    ),
    dropOps: db.prepare(
      'DELETE FROM applied_ops WHERE (room, op_id) IN (SELECT room, op_id FROM applied_ops WHERE at < ? ORDER BY at LIMIT ?)',
    ),
    // A board's events after its document are the board's (B6): trimming stops at that seq.
    rooms: db.prepare(
      `SELECT room, head_seq, coalesce(${boardSeqOfRoomSql('room')}, head_seq) AS kept_after
       FROM rooms WHERE room > ? ORDER BY room LIMIT ?`,
    ),
    // Bytes in UTF-8, as the broker counts them, not characters.
    oldest: db.prepare(
      'SELECT seq, at, octet_length(frame) AS bytes FROM room_events WHERE room = ? ORDER BY seq LIMIT ?',
    ),
    counted: db.prepare(
      `SELECT count(*) AS frames, max(seq) AS last, coalesce(sum(octet_length(frame)), 0) AS bytes
       FROM (SELECT seq, frame FROM room_events WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?)`,
    ),
    dropEvents: db.prepare('DELETE FROM room_events WHERE room = ? AND seq <= ?'),
    // Without statistics the planner would rather walk every workflow by `kind`.
    finishedRuns: db
      .prepare(
        `SELECT id FROM documents INDEXED BY finished_runs WHERE ${FINISHED} AND (${FINISHED_AT} < ? OR ${FINISHED_AT} <= ?) ORDER BY ${FINISHED_AT} LIMIT ?`,
      )
      .pluck(),
    // When the newest finished run past the count finished: a walk of at most the count in the index.
    pastCount: db
      .prepare(
        `SELECT ${FINISHED_AT} FROM documents INDEXED BY finished_runs WHERE ${FINISHED} ORDER BY ${FINISHED_AT} DESC LIMIT 1 OFFSET ?`,
      )
      .pluck(),
    dropRunDocument: db.prepare("DELETE FROM documents WHERE kind = 'workflow' AND id = ?"),
    // A run born in the unborn epoch moves it on as it goes (SEQ5): a run started again under
    // its id is then numbered in another epoch than the one its old clients hold.
    moveUnborn: db.prepare(
      `UPDATE rooms SET epoch = ? WHERE room = '${UNBORN_ROOMS}' AND epoch = (SELECT epoch FROM rooms WHERE room = ?)`,
    ),
    dropRoom: db.prepare('DELETE FROM rooms WHERE room = ?'),
    dropRoomEvents: db.prepare('DELETE FROM room_events WHERE room = ?'),
    dropRoomOps: db.prepare('DELETE FROM applied_ops WHERE room = ?'),
    // A run deleted again (its id was started anew) gets a fresh, untold tombstone.
    bury: db.prepare(
      `INSERT INTO workflow_tombstones (id, deleted_at, told) VALUES (?, ?, 0)
       ON CONFLICT (id) DO UPDATE SET deleted_at = excluded.deleted_at, told = 0`,
    ),
    // Past their age, or told and no newer than the newest past the count (an untold one waits).
    dropTombstones: db.prepare(
      'DELETE FROM workflow_tombstones WHERE id IN (SELECT id FROM workflow_tombstones WHERE deleted_at < ? OR (told = 1 AND deleted_at <= ?) ORDER BY deleted_at LIMIT ?)',
    ),
    tombstonesPastCount: db
      .prepare(
        'SELECT deleted_at FROM workflow_tombstones ORDER BY deleted_at DESC LIMIT 1 OFFSET ?',
      )
      .pluck(),
  };
  let cursor = '';
  const tallies = new Map<string, Tally>();

  /** Counts up to `limit` of the room's frames newer than its tally; `read` is how many. */
  const count = (room: string, headSeq: number, limit: number) => {
    let tally = tallies.get(room);
    if (!tally) tallies.set(room, (tally = { through: 0, bytes: 0 }));
    if (tally.through >= headSeq || limit <= 0) return { tally, read: 0 };
    const newer = statements.counted.get(room, tally.through, limit) as {
      frames: number;
      last: number | null;
      bytes: number;
    };
    tally.bytes += newer.bytes;
    tally.through = newer.frames < limit ? headSeq : (newer.last ?? headSeq);
    return { tally, read: newer.frames };
  };

  /**
   * Deletes a room's events that replay can no longer serve (G1), at most `budget`, none after
   * `keptAfter`. The bytes bound applies once every stored frame is counted; until then count and
   * age still do.
   */
  const trimRoom = (
    room: string,
    { headSeq, keptAfter }: { headSeq: number; keptAfter: number },
    tally: Tally,
    policy: PrunePolicy,
    now: number,
    budget: number,
  ) => {
    const counted = tally.through >= headSeq;
    let last = -1;
    let deleted = 0;
    for (const row of statements.oldest.iterate(room, budget) as Iterable<{
      seq: number;
      at: number;
      bytes: number;
    }>) {
      if (
        row.seq > keptAfter ||
        (!(counted && tally.bytes > policy.roomMaxBytes) &&
          row.seq > headSeq - policy.roomMaxEvents &&
          row.at >= now - policy.eventMaxAgeMs)
      )
        break;
      if (row.seq <= tally.through) tally.bytes -= row.bytes;
      last = row.seq;
      deleted += 1;
    }
    if (deleted > 0) statements.dropEvents.run(room, last);
    return { deleted, done: counted && deleted < budget };
  };

  /** One pass of the room cursor; `wrapped` when it reached the last room. */
  const trimEvents = (policy: PrunePolicy, now: number, budget: number) => {
    if (budget <= 0) return { deleted: 0, wrapped: false };
    const rooms = statements.rooms.all(cursor, ROOMS_PER_CALL) as {
      room: string;
      head_seq: number;
      kept_after: number;
    }[];
    let deleted = 0;
    let reads = policy.batchRows;
    for (const { room, head_seq, kept_after } of rooms) {
      const { tally, read } = count(room, head_seq, reads);
      reads -= read;
      const bounds = { headSeq: head_seq, keptAfter: kept_after };
      const trimmed = trimRoom(room, bounds, tally, policy, now, budget - deleted);
      deleted += trimmed.deleted;
      // A room not yet counted, or that the budget ran out in, is looked at again by the next call.
      if (!trimmed.done) return { deleted, wrapped: false };
      cursor = room;
    }
    const wrapped = rooms.length < ROOMS_PER_CALL;
    if (wrapped) cursor = '';
    return { deleted, wrapped };
  };

  /**
   * Deletes finished runs past their retention or past the count with their room (G3), while the
   * budget lasts, each leaving a tombstone (G5). Runs that finished in the same millisecond as the
   * newest one past the count go with it, so no more than the count stay.
   */
  const dropRuns = (policy: PrunePolicy, now: number, budget: number) => {
    const pastCount = (statements.pastCount.get(policy.runMaxCount) as number | undefined) ?? null;
    const ids = statements.finishedRuns.all(
      now - policy.runMaxAgeMs,
      pastCount,
      budget,
    ) as string[];
    const runs: string[] = [];
    let deleted = 0;
    for (const id of ids) {
      if (deleted >= budget) break;
      const room = policy.runRoom(id);
      deleted += statements.dropRunDocument.run(id).changes;
      deleted += statements.dropRoomEvents.run(room).changes;
      deleted += statements.dropRoomOps.run(room).changes;
      statements.moveUnborn.run(createEpoch(), room);
      statements.dropRoom.run(room);
      statements.bury.run(id, now);
      tallies.delete(room);
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
    const tombstones =
      budget > 0
        ? statements.dropTombstones.run(
            now - policy.tombstoneMaxAgeMs,
            statements.tombstonesPastCount.get(policy.tombstoneMaxCount) ?? null,
            budget,
          ).changes
        : 0;
    budget -= tombstones;
    return {
      events: events.deleted,
      ops,
      runs: runs.runs,
      tombstones,
      more: budget <= 0 || !events.wrapped || runs.more,
    };
  });
  return (policy, now) => {
    try {
      return pruneOnce(policy, now);
    } catch (error) {
      // The transaction rolled back: the tallies may count deletions that did not happen.
      tallies.clear();
      throw error;
    }
  };
}
