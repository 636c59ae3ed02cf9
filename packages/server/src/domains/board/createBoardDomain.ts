import {
  applyBoardEvent,
  boardSchema,
  parse,
  type Board,
  type BoardEvent,
  type BoardOp,
} from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { Broker } from '../../rooms/Broker.js';
import type { Storage } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import type { EventLog } from '../createEventLog.js';
import { boardOpToEvent, type UnnumberedBoardEvent } from './boardOpToEvent.js';
import { createEmptyBoard } from './defaultColumns.js';
import { createPresence } from './createPresence.js';

/** The outcome of an applied (or already applied) operation. */
export interface BoardOpApplied {
  readonly ok: true;
  readonly op_id: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

/** Agent Kanban boards: operations applied once, ordered events, presence. */
export interface BoardDomain {
  /** The ordered room of a board. */
  room(boardId: string): string;
  /** The board as it is now (created with the default columns on first use). */
  board(boardId: string): Board;
  /** Applies an operation once per `op_id` (rule B2). */
  apply(boardId: string, op: BoardOp): BoardOpApplied | DomainFailure;
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
}): BoardDomain {
  const { events, storage, log, now } = deps;
  const presence = createPresence(deps.broker);
  const boards = new Map<string, Board>();
  const appliedOps = new Map<string, Map<string, number>>();
  const room = (boardId: string): string => `board:${boardId}`;

  /** Numbers, reduces (once), stores and publishes an event, then keeps the board it produced. */
  const commit = (
    boardId: string,
    event: UnnumberedBoardEvent,
    opId: string | null,
  ): BoardEvent => {
    // Set by `persist`, which runs before the event is published; absent if storage refused it.
    let next = undefined as Board | undefined;
    const message = events.append(
      room(boardId),
      (position) => ({ ...event, ...position }),
      (numbered) => encodeMessage('board', numbered),
      (numbered) => {
        next = applyBoardEvent(load(boardId), numbered);
        return {
          documents: [{ kind: 'board', id: boardId, value: next }],
          ...(opId ? { op: { room: room(boardId), opId, seq: numbered.seq } } : {}),
        };
      },
    );
    if (next) boards.set(boardId, next);
    if (opId) opsOf(boardId).set(opId, message.seq);
    return message;
  };

  const opsOf = (boardId: string): Map<string, number> => {
    let ops = appliedOps.get(boardId);
    if (!ops) appliedOps.set(boardId, (ops = new Map<string, number>()));
    return ops;
  };

  function load(boardId: string): Board {
    const cached = boards.get(boardId);
    if (cached) return cached;
    events.open(room(boardId));
    let stored: unknown = null;
    try {
      stored = storage.loadDocument('board', boardId);
    } catch (error) {
      log.warn('board.load_failed', { board_id: boardId, error: errorMessage(error) });
    }
    const parsed = stored === null ? null : parse(boardSchema, stored);
    const board = parsed?.ok ? parsed.value : createEmptyBoard(boardId);
    boards.set(boardId, board);
    return board;
  }

  return {
    room,
    board: load,
    apply(boardId, op) {
      const board = load(boardId);
      const ops = opsOf(boardId);
      let previous = ops.get(op.op_id) ?? null;
      if (previous === null) {
        try {
          previous = storage.appliedOp(room(boardId), op.op_id);
        } catch {
          previous = null;
        }
      }
      if (previous !== null) return { ok: true, op_id: op.op_id, seq: previous, duplicate: true };
      const event = boardOpToEvent(board, op, now());
      if ('ok' in event) return event;
      try {
        const message = commit(boardId, event, op.op_id);
        return { ok: true, op_id: op.op_id, seq: message.seq, duplicate: false };
      } catch (error) {
        return domainFailure('unavailable', `operation not applied: ${errorMessage(error)}`);
      }
    },
    presenceRoom: presence.room,
    setPresence: presence.set,
  };
}
