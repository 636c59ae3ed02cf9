import { existsSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { boardSchema, parse } from '@liveline/protocol';
import Database from 'better-sqlite3';
import { applyBoardFrame } from '../domains/board/applyBoardFrame.js';
import { createEmptyBoard } from '../domains/board/defaultColumns.js';
import { StorageError, errorMessage } from '../errors.js';
import { BOARD_ROOM_PREFIX, boardRoom } from '../storage/boardRooms.js';
import { createEpoch } from '../storage/createEpoch.js';
import { DATABASE_FILE } from '../storage/createSqliteStorage.js';

/** What {@link backupDatabase} copied. */
export interface BackupResult {
  /** The database that was copied. */
  readonly source: string;
  /** Database pages in the copy. */
  readonly pages: number;
  /** Ordered rooms whose numbering the copy starts in a new epoch. */
  readonly rooms: number;
}

/** More pages than any database has: the whole copy is one step of the online backup API. */
const ALL_PAGES = 0x7fffffff;

/**
 * Stores each board of the copy whole, at its room's head: its document plus the events after it
 * (PROTOCOL.md B6), which the copy is about to drop with the rest of the history.
 */
function foldBoards(copy: Database.Database): void {
  const behind = copy
    .prepare(
      `SELECT d.id, d.json, d.seq FROM documents d JOIN rooms r ON r.room = '${BOARD_ROOM_PREFIX}' || d.id
       WHERE d.kind = 'board' AND d.seq < r.head_seq`,
    )
    .all() as { id: string; json: string; seq: number }[];
  const events = copy.prepare(
    'SELECT seq, frame FROM room_events WHERE room = ? AND seq > ? ORDER BY seq',
  );
  const store = copy.prepare(
    "UPDATE documents SET json = ?, seq = ? WHERE kind = 'board' AND id = ?",
  );
  for (const stored of behind) {
    const parsed = parse(boardSchema, JSON.parse(stored.json));
    let board = parsed.ok ? parsed.value : createEmptyBoard(stored.id);
    let seq = stored.seq;
    for (const entry of events.all(boardRoom(stored.id), seq) as { seq: number; frame: string }[]) {
      const next = entry.seq === seq + 1 ? applyBoardFrame(board, entry.frame) : null;
      if (!next) throw new Error(`board ${stored.id}: its event ${seq + 1} cannot be replayed`);
      board = next;
      seq = entry.seq;
    }
    store.run(JSON.stringify(board), seq, stored.id);
  }
}

/**
 * Gives every room of the copy a new epoch and drops its replayable history, once the boards hold
 * the events they need. A restored server
 * numbers new events from the backup's head; clients that saw the original's events after that
 * point must not resume across them, so they get a snapshot (PROTOCOL.md R1, R5).
 */
function startNewEpochs(file: string): number {
  const copy = new Database(file);
  try {
    const rooms = copy.prepare('SELECT room FROM rooms').pluck().all() as string[];
    const setEpoch = copy.prepare('UPDATE rooms SET epoch = ? WHERE room = ?');
    copy.transaction(() => {
      foldBoards(copy);
      for (const room of rooms) setEpoch.run(createEpoch(), room);
      copy.exec('DELETE FROM room_events');
    })();
    // One self-contained file: no -wal beside it to copy along.
    copy.pragma('journal_mode = DELETE');
    return rooms.length;
  } finally {
    copy.close();
  }
}

/**
 * Copies the SQLite database of `dataDir` to `file` while a server may be writing it, with
 * SQLite's online backup API. The copy is read in one step, i.e. one read transaction: it holds
 * exactly the transactions committed when that step began, so every write acknowledged before
 * the backup started. In WAL mode the server's writes go on meanwhile. `file` appears only once
 * it is complete; an existing file is never overwritten.
 */
export async function backupDatabase(dataDir: string, file: string): Promise<BackupResult> {
  const source = join(dataDir, DATABASE_FILE);
  if (existsSync(file)) throw new StorageError(`${file} already exists; choose a new file`);
  let db: Database.Database;
  try {
    db = new Database(source, { fileMustExist: true });
  } catch (cause) {
    throw new StorageError(`cannot open ${source}: ${errorMessage(cause)}`, { cause });
  }
  const partial = `${file}.partial`;
  rmSync(partial, { force: true });
  try {
    const { totalPages } = await db.backup(partial, { progress: () => ALL_PAGES });
    const rooms = startNewEpochs(partial);
    renameSync(partial, file);
    return { source, pages: totalPages, rooms };
  } catch (cause) {
    rmSync(partial, { force: true });
    throw new StorageError(`backup of ${source} failed: ${errorMessage(cause)}`, { cause });
  } finally {
    db.close();
  }
}
