import { randomBytes } from 'node:crypto';
import {
  applyBoardEvent,
  BOARD_BYTES_MAX,
  BOARD_CARDS_MAX,
  BOARD_COLUMNS_MAX,
  type Actor,
  type Board,
  type BoardEvent,
  type BoardOp,
} from '@liveline/protocol';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import { boardBytes } from './boardBytes.js';

/** A board event before the room numbers it. */
export type UnnumberedBoardEvent = BoardEvent extends infer E
  ? E extends BoardEvent
    ? Omit<E, 'seq' | 'epoch'>
    : never
  : never;

const newId = (prefix: string): string => `${prefix}_${randomBytes(6).toString('hex')}`;

const missing = (what: 'card' | 'column', id: string, field: string, opId: string): DomainFailure =>
  domainFailure('not_found', `${what} "${id}" does not exist (op ${opId})`, field);

/** The refusal of an op that would take the board past one of its caps (rule B4). */
const full = (board: Board, what: 'cards' | 'columns', max: number, opId: string): DomainFailure =>
  domainFailure(
    'limit_exceeded',
    `board "${board.board_id}" already has ${max} ${what}, the most a board holds; delete some first (op ${opId})`,
  );

/** What an accepted operation does: its event, and the board that event makes. */
export interface BoardChange {
  readonly event: UnnumberedBoardEvent;
  /** Built once, to measure it (rule B4); the domain keeps it once the event is stored. */
  readonly board: Board;
}

/**
 * Turns a validated operation into the event it causes on `board` and the board it makes, or the
 * reason it cannot apply (unknown card or column, id already taken, board full) naming the field.
 * The event names its `actor` when one is known (auth on, rule B1).
 */
export function boardOpToEvent(
  board: Board,
  op: BoardOp,
  now: number,
  actor: Actor | null = null,
): BoardChange | DomainFailure {
  const event = eventOf(board, op, now, actor);
  if ('ok' in event) return event;
  // The reducer reads no position: a placeholder one gives the board the numbered event makes.
  const next = applyBoardEvent(board, { ...event, seq: 0, epoch: '' });
  return overBytes(board, next, op.op_id) ?? { event, board: next };
}

/**
 * The refusal of a board `next` that grew past {@link BOARD_BYTES_MAX} (rule B4). One that did not
 * grow applies, so a board stored bigger than the cap can still be emptied.
 */
function overBytes(board: Board, next: Board, opId: string): DomainFailure | null {
  const bytes = boardBytes(next);
  if (bytes <= BOARD_BYTES_MAX || bytes <= boardBytes(board)) return null;
  return domainFailure(
    'limit_exceeded',
    `board "${board.board_id}" is full: it would take ${bytes} bytes, over the ${BOARD_BYTES_MAX} a board holds; delete or shorten some cards first (op ${opId})`,
  );
}

function eventOf(
  board: Board,
  op: BoardOp,
  now: number,
  actor: Actor | null,
): UnnumberedBoardEvent | DomainFailure {
  const op_id = op.op_id;
  const by = { op_id, ...(actor && { actor }) };
  const card = (id: string) => board.cards.find((c) => c.id === id);
  const column = (id: string) => board.columns.find((c) => c.id === id);
  switch (op.type) {
    case 'card.create': {
      const target = column(op.column_id);
      if (!target) return missing('column', op.column_id, 'column_id', op_id);
      if (board.cards.length >= BOARD_CARDS_MAX)
        return full(board, 'cards', BOARD_CARDS_MAX, op_id);
      const id = op.card_id ?? newId('card');
      if (card(id)) return domainFailure('conflict', `card "${id}" already exists`, 'card_id');
      return {
        type: 'card.created',
        data: {
          ...by,
          card: {
            id,
            column_id: op.column_id,
            title: op.title,
            description: op.description ?? '',
            assignee: null,
            updated_at: now,
          },
          index: op.index ?? target.card_ids.length,
        },
      };
    }
    case 'card.update': {
      const found = card(op.card_id);
      if (!found) return missing('card', op.card_id, 'card_id', op_id);
      return {
        type: 'card.updated',
        data: {
          ...by,
          card: {
            ...found,
            ...(op.title !== undefined ? { title: op.title } : {}),
            ...(op.description !== undefined ? { description: op.description } : {}),
            ...(op.assignee !== undefined ? { assignee: op.assignee } : {}),
            updated_at: now,
          },
        },
      };
    }
    case 'card.move':
      if (!card(op.card_id)) return missing('card', op.card_id, 'card_id', op_id);
      if (!column(op.column_id)) return missing('column', op.column_id, 'column_id', op_id);
      return {
        type: 'card.moved',
        data: { ...by, card_id: op.card_id, column_id: op.column_id, index: op.index, at: now },
      };
    case 'card.delete':
      if (!card(op.card_id)) return missing('card', op.card_id, 'card_id', op_id);
      return { type: 'card.deleted', data: { ...by, card_id: op.card_id } };
    case 'column.create': {
      if (board.columns.length >= BOARD_COLUMNS_MAX)
        return full(board, 'columns', BOARD_COLUMNS_MAX, op_id);
      const id = op.column_id ?? newId('col');
      if (column(id))
        return domainFailure('conflict', `column "${id}" already exists`, 'column_id');
      return {
        type: 'column.created',
        data: {
          ...by,
          column: { id, title: op.title, card_ids: [] },
          index: op.index ?? board.columns.length,
        },
      };
    }
    case 'column.update':
      if (!column(op.column_id)) return missing('column', op.column_id, 'column_id', op_id);
      return { type: 'column.updated', data: { ...by, column_id: op.column_id, title: op.title } };
    case 'column.delete':
      if (!column(op.column_id)) return missing('column', op.column_id, 'column_id', op_id);
      return { type: 'column.deleted', data: { ...by, column_id: op.column_id } };
  }
}
