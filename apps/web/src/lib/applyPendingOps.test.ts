import { describe, expect, it } from 'vitest';
import type { Board, Card } from '@liveline/protocol';
import { applyPendingOps, type CardOp } from './applyPendingOps';

const card = (id: string, column_id: string): Card => ({
  id,
  column_id,
  title: `Card ${id}`,
  description: '',
  assignee: null,
  updated_at: 1,
});
const board: Board = {
  board_id: 'b',
  columns: [
    { id: 'todo', title: 'To do', card_ids: ['c1', 'c2'] },
    { id: 'done', title: 'Done', card_ids: [] },
  ],
  cards: [card('c1', 'todo'), card('c2', 'todo')],
};
const pending = (...ops: CardOp[]) => ops.map((op) => ({ op, at: 5 }));
const ids = (shown: Board, column: string) => shown.columns.find((c) => c.id === column)?.card_ids;

describe('applyPendingOps: the server’s board with the changes not yet acknowledged on top', () => {
  it('without pending operations it is the server’s board itself, nothing marked', () => {
    const shown = applyPendingOps(board, []);
    expect(shown.board).toBe(board);
    expect(shown.pendingCards.size).toBe(0);
  });

  it('a created card shows at once where the server will put it (the end by default), marked', () => {
    const op = { type: 'card.create', op_id: 'o1', card_id: 'n', column_id: 'todo', title: 'New' };
    const shown = applyPendingOps(board, pending(op as CardOp));
    expect(ids(shown.board, 'todo')).toEqual(['c1', 'c2', 'n']);
    expect(shown.board.cards.find((c) => c.id === 'n')).toMatchObject({ title: 'New' });
    expect([...shown.pendingCards]).toEqual(['n']);
  });

  it('an edit shows its fields over the server’s card and keeps the ones it does not name', () => {
    const op = { type: 'card.update', op_id: 'o1', card_id: 'c1', assignee: 'ana' } as const;
    const shown = applyPendingOps(board, pending(op));
    expect(shown.board.cards.find((c) => c.id === 'c1')).toMatchObject({
      title: 'Card c1',
      assignee: 'ana',
    });
    expect([...shown.pendingCards]).toEqual(['c1']);
  });

  it('a move shows the card in its new column at the index asked', () => {
    const op = { type: 'card.move', op_id: 'o1', card_id: 'c2', column_id: 'done', index: 0 };
    const shown = applyPendingOps(board, pending(op as CardOp));
    expect(ids(shown.board, 'todo')).toEqual(['c1']);
    expect(ids(shown.board, 'done')).toEqual(['c2']);
    expect(shown.board.cards.find((c) => c.id === 'c2')?.column_id).toBe('done');
  });

  it('a delete hides the card', () => {
    const shown = applyPendingOps(
      board,
      pending({ type: 'card.delete', op_id: 'o1', card_id: 'c1' }),
    );
    expect(ids(shown.board, 'todo')).toEqual(['c2']);
    expect(shown.board.cards.map((c) => c.id)).toEqual(['c2']);
  });

  it('operations apply in the order they were made: an edit of a card created before it shows', () => {
    const shown = applyPendingOps(
      board,
      pending(
        { type: 'card.create', op_id: 'o1', card_id: 'n', column_id: 'done', title: 'New' },
        { type: 'card.update', op_id: 'o2', card_id: 'n', assignee: 'ana' },
      ),
    );
    expect(shown.board.cards.find((c) => c.id === 'n')).toMatchObject({ assignee: 'ana' });
  });

  it('a creation the server’s board already holds (its event came before its ack) shows once, unmarked', () => {
    const op = { type: 'card.create', op_id: 'o1', card_id: 'c1', column_id: 'todo', title: 'X' };
    const shown = applyPendingOps(board, pending(op as CardOp));
    expect(ids(shown.board, 'todo')).toEqual(['c1', 'c2']);
    expect(shown.pendingCards.size).toBe(0);
  });

  it('an operation on a card or column the server’s board does not have shows nothing', () => {
    const shown = applyPendingOps(
      board,
      pending(
        { type: 'card.update', op_id: 'o1', card_id: 'gone', title: 'X' },
        { type: 'card.move', op_id: 'o2', card_id: 'c1', column_id: 'gone', index: 0 },
        { type: 'card.create', op_id: 'o3', card_id: 'n', column_id: 'gone', title: 'X' },
      ),
    );
    expect(shown.board).toEqual(board);
    expect(shown.pendingCards.size).toBe(0);
  });
});
