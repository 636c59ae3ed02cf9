import type { ServerMessage } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_BOARD, reduceBoard } from './boardView.js';

type Message = ServerMessage<'board'>;
const snapshot = {
  type: 'snapshot',
  seq: 1,
  epoch: 'e1',
  data: { board_id: 'b', columns: [{ id: 'todo', title: 'To do', card_ids: [] }], cards: [] },
} as Message;
const columnDeleted = (seq: number) =>
  ({
    type: 'column.deleted',
    seq,
    epoch: 'e1',
    data: { op_id: null, column_id: 'todo' },
  }) as Message;

describe('reduceBoard', () => {
  it('B1 applies ordered events after the snapshot', () => {
    const view = [snapshot, columnDeleted(2)].reduce(reduceBoard, EMPTY_BOARD);
    expect(view.board?.columns).toEqual([]);
  });

  it('E3 ignores control messages, resumed and event types it does not know', () => {
    const view = reduceBoard(EMPTY_BOARD, snapshot);
    const others = [
      { type: 'resumed', seq: 1, epoch: 'e1', data: { replayed: 0 } },
      { type: 'ack', data: { op_id: 'o1', seq: 1 } },
      { type: 'card.archived', seq: 2, epoch: 'e1', data: { card_id: 'c' } },
    ] as Message[];
    expect(others.reduce(reduceBoard, view).board).toBe(view.board);
  });
});
