import {
  boardSchema,
  parse,
  type Actor,
  type Board,
  type BoardEvent,
  type BoardOp,
} from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import { errorKind } from '../../causeKind.js';
import { StoredDataError } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { Broker, StreamPosition } from '../../rooms/Broker.js';
import { boardRoom } from '../../storage/boardRooms.js';
import type { Storage } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import type { RoomFollower } from '../catchUpRoom.js';
import type { Append, EventLog } from '../createEventLog.js';
import { createIdleRooms } from '../createIdleRooms.js';
import { applyBoardFrame } from './applyBoardFrame.js';
import { boardOpToEvent } from './boardOpToEvent.js';
import { createBoardCountCap } from './createBoardCountCap.js';
import { createEmptyBoard } from './defaultColumns.js';
import type { PresenceSlices } from './PresenceSlices.js';
import { createPresence } from './createPresence.js';
import { lagAfter, lagAt, storesDocument, type DocumentLag } from './storesDocument.js';

/** Events read per query while a board is loaded. */
const LOAD_BATCH = 500;
/**
 * Loads tried before a board whose events after its document are missing is refused: retention
 * may delete them once another node stored a newer document, which the next try reads.
 */
const LOAD_ATTEMPTS = 3;

/** The outcome of an applied (or already applied) operation. */
export interface BoardOpApplied {
  readonly ok: true;
  readonly op_id: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

/** A board as applied so far and the position of the newest event it includes (rule R2). */
export interface BoardSnapshot extends StreamPosition {
  readonly board: Board;
}

/** Agent Kanban boards: operations applied once, ordered events, presence. */
export interface BoardDomain {
  /** The ordered room of a board. */
  room(boardId: string): string;
  /**
   * Loads a board (created with the default columns on first use) and opens its room; a board
   * already loaded catches up with what other nodes wrote, so its snapshot is current.
   */
  open(boardId: string): Promise<void>;
  /** The board as applied; it must have been opened. */
  snapshot(boardId: string): BoardSnapshot;
  /**
   * Applies an operation once per `op_id` (rule B2), acknowledged once stored and published; its
   * event names `actor` when known (rule B1).
   */
  apply(
    boardId: string,
    op: BoardOp,
    actor?: Actor | null,
  ): Promise<BoardOpApplied | DomainFailure>;
  /** The latest room of a board's presence (rule B3). */
  presenceRoom(boardId: string): string;
  /** Sets or removes (`name` null) someone's presence; the summary is published coalesced. */
  setPresence(boardId: string, clientId: string, name: string | null): void;
}

/** Creates the board domain over an event log and storage. */
export function createBoardDomain(deps: {
  events: EventLog;
  broker: Broker;
  storage: Storage;
  log: Logger;
  now: () => number;
  /** How long a board nobody listens to and nobody uses stays in memory, in ms. */
  idleMs: number;
  /** Boards stored at most: a new board's first write is refused beyond them (rule B5). */
  maxBoards: number;
  /** How presence reaches other nodes. @default none (the embedded node) */
  presenceSlices?: PresenceSlices;
}): BoardDomain {
  const { events, storage, log, now } = deps;
  const presence = createPresence(deps.broker, deps.presenceSlices);
  const boards = new Map<string, Board>();
  /** How far each board in memory is past its stored document (B6). */
  const lags = new Map<string, DocumentLag>();
  const cap = createBoardCountCap(storage, deps.maxBoards);
  const loading = new Map<string, Promise<void>>();
  const room = boardRoom;
  /**
   * A board nobody listens to (board or presence socket) and nobody used for `idleMs` leaves
   * memory: its document and its room's position (rule G1).
   */
  const idle = createIdleRooms({
    events,
    room,
    now,
    idleMs: deps.idleMs,
    busy: (boardId) =>
      loading.has(boardId) ||
      deps.broker.subscriberCount(room(boardId)) > 0 ||
      deps.broker.subscriberCount(presence.room(boardId)) > 0,
    release: (boardId) => {
      boards.delete(boardId);
      lags.delete(boardId);
    },
  });

  /**
   * The stored board (B6): its document and its room's events after it, replayed as the follower
   * replays; `null` when some of those events are gone (see LOAD_ATTEMPTS), as when it stops
   * below the head read first: a board is never served behind its room's events.
   */
  const readOnce = async (boardId: string) => {
    const head = await storage.readHead(room(boardId));
    const saved = await storage.loadSequenced('board', boardId);
    const parsed = saved.value === null ? null : parse(boardSchema, saved.value);
    const document = parsed?.ok ? parsed.value : null;
    let board = document ?? createEmptyBoard(boardId);
    let lag = lagAt(document);
    let seq = saved.seq;
    for (;;) {
      const entries = await storage.readEvents(room(boardId), seq, LOAD_BATCH);
      for (const entry of entries) {
        if (entry.seq !== seq + 1) return null;
        const next = applyBoardFrame(board, entry.frame);
        if (!next)
          throw new StoredDataError(
            `board ${boardId}: stored event ${entry.seq} is no board event`,
          );
        board = next;
        lag = lagAfter(lag, entry.frame);
        seq = entry.seq;
      }
      if (entries.length < LOAD_BATCH) return seq < head.headSeq ? null : { board, lag, seq };
    }
  };
  /**
   * Reads the stored board and answers the seq of its newest event; a read that fails refuses
   * (rule S3) rather than start an empty one.
   */
  const read = async (boardId: string): Promise<number> => {
    for (let attempt = 0; attempt < LOAD_ATTEMPTS; attempt += 1) {
      const loaded = await readOnce(boardId);
      if (!loaded) continue;
      boards.set(boardId, loaded.board);
      lags.set(boardId, loaded.lag);
      return loaded.seq;
    }
    // The engine answered: no storage failure logged it, so the refusal is logged here.
    log.error('board.unloadable', { board: boardId });
    throw new StoredDataError(`board ${boardId}: the events after its stored document are missing`);
  };
  /**
   * Loads a board not in memory once at a time (an open of a board being loaded waits for it): the
   * board and its room's applied position are set together, at the seq the read reached.
   */
  const load = (boardId: string): Promise<void> => {
    let pending = loading.get(boardId);
    if (pending) return pending;
    if (boards.has(boardId)) return Promise.resolve();
    pending = events
      .open(room(boardId))
      .then(async () => {
        if (!boards.has(boardId))
          await events.catchUp(room(boardId), { reload: () => read(boardId) });
      })
      .finally(() => loading.delete(boardId));
    loading.set(boardId, pending);
    return pending;
  };
  const current = (boardId: string): Board => {
    const board = boards.get(boardId);
    if (!board) throw new Error(`board ${JSON.stringify(boardId)} was read before it was opened`);
    return board;
  };

  const lag = (boardId: string): DocumentLag => lags.get(boardId) ?? lagAt(null);

  /** Follows the events other nodes append to the board's room (see EventLog.catchUp). */
  const follower = (boardId: string): RoomFollower => ({
    replay(frame) {
      const next = applyBoardFrame(current(boardId), frame);
      if (!next) return false;
      boards.set(boardId, next);
      lags.set(boardId, lagAfter(lag(boardId), frame));
      return true;
    },
    reload: () => read(boardId),
  });
  const catchUp = (boardId: string): Promise<boolean> =>
    events.catchUp(room(boardId), follower(boardId));
  /**
   * Whether the board is stored: empty here may be stored elsewhere, and another node's first
   * event reaches this one at a catch-up. Only valid inside the board's turn.
   */
  const stored = async (boardId: string): Promise<boolean> => {
    if (events.applied(room(boardId)).seq === 0) await catchUp(boardId);
    return events.applied(room(boardId)).seq > 0;
  };

  /**
   * Runs in the board's turn, so each op is checked against the board every earlier op made; an
   * op the board refuses is checked again once the board caught up (another node may have made
   * the card it names).
   */
  const applyOp = async (
    boardId: string,
    op: BoardOp,
    actor: Actor | null,
    append: Append,
  ): Promise<BoardOpApplied | DomainFailure> => {
    const duplicate = (seq: number): BoardOpApplied => ({
      ok: true,
      op_id: op.op_id,
      seq,
      duplicate: true,
    });
    const check = () => boardOpToEvent(current(boardId), op, now(), actor);
    let basis = current(boardId);
    let checked = check();
    if ('ok' in checked && (await catchUp(boardId))) checked = check();
    if ('ok' in checked) {
      // A retry of an applied op (its card made or gone since) is answered as applied (rule B2);
      // an op the board accepts is not looked up: the append answers `duplicate` in its transaction.
      const previous = await storage.appliedOp(room(boardId), op.op_id);
      if (previous === null) return checked;
      await events.republish(room(boardId), previous, follower(boardId));
      return duplicate(previous);
    }
    // The board the check built is the one stored and kept: the op is applied once.
    let change = checked;
    let nextLag = lag(boardId);
    // A board is stored with its first event: the cap on boards is checked before it (rule B5).
    const write: Append = (await stored(boardId))
      ? append
      : (steps) =>
          cap.create(
            boardId,
            op.op_id,
            () => append(steps),
            () => stored(boardId),
          );
    const outcome = await write<BoardEvent>({
      ...follower(boardId),
      opId: op.op_id,
      // Built again against the board another node's events changed (after a conflict).
      build(position) {
        if (current(boardId) !== basis) {
          basis = current(boardId);
          const again = check();
          if ('ok' in again) return again;
          change = again;
        }
        return { ...change.event, ...position };
      },
      serialize: (numbered) => encodeMessage('board', numbered),
      // The document only now and then, with the seq it reflects (B6): a board of 512 KiB (B4)
      // is not written again for each card moved.
      reduce(_numbered, frame) {
        const stores = storesDocument(lag(boardId), frame);
        nextLag = stores ? lagAt(change.board) : lagAfter(lag(boardId), frame);
        return stores ? [{ kind: 'board', id: boardId, value: change.board }] : [];
      },
      apply: () => {
        boards.set(boardId, change.board);
        lags.set(boardId, nextLag);
      },
    });
    if ('ok' in outcome) return outcome;
    return outcome.kind === 'duplicate'
      ? duplicate(outcome.seq)
      : { ok: true, op_id: op.op_id, seq: outcome.message.seq, duplicate: false };
  };

  return {
    room,
    open: async (boardId) => {
      idle.use(boardId);
      if (loading.has(boardId) || !boards.has(boardId)) return load(boardId);
      await events.refresh(room(boardId), follower(boardId));
    },
    snapshot: (boardId) => ({ ...events.applied(room(boardId)), board: current(boardId) }),
    apply: (boardId, op, actor = null) => {
      idle.use(boardId);
      return events
        .inTurn(room(boardId), async (append) => {
          await load(boardId);
          return applyOp(boardId, op, actor, append);
        })
        .catch((error: unknown) =>
          domainFailure('unavailable', `operation not applied: ${errorKind(error)}`),
        );
    },
    presenceRoom: presence.room,
    setPresence: presence.set,
  };
}
