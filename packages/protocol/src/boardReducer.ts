import type { Board, BoardEvent, Column } from './board.js';

const clampInsert = <T>(list: readonly T[], item: T, index: number): T[] => {
  const out = [...list];
  out.splice(Math.min(Math.max(index, 0), out.length), 0, item);
  return out;
};

const mapColumns = (board: Board, fn: (column: Column) => Column): Board => ({
  ...board,
  columns: board.columns.map(fn),
});

/**
 * Applies one ordered board event (rule B1). The server orders every operation, and every client
 * applies the same events with this reducer, so concurrent moves converge on every screen.
 */
export function applyBoardEvent(board: Board, event: BoardEvent): Board {
  switch (event.type) {
    case 'card.created': {
      const { card, index } = event.data;
      const withCard = { ...board, cards: [...board.cards.filter((c) => c.id !== card.id), card] };
      return mapColumns(withCard, (col) =>
        col.id === card.column_id
          ? { ...col, card_ids: clampInsert(col.card_ids, card.id, index) }
          : col,
      );
    }
    case 'card.updated':
      return {
        ...board,
        cards: board.cards.map((c) => (c.id === event.data.card.id ? event.data.card : c)),
      };
    case 'card.moved': {
      const { card_id, column_id, index, at } = event.data;
      const cards = board.cards.map((c) =>
        c.id === card_id ? { ...c, column_id, updated_at: at } : c,
      );
      return mapColumns({ ...board, cards }, (col) => {
        const without = col.card_ids.filter((id) => id !== card_id);
        return {
          ...col,
          card_ids: col.id === column_id ? clampInsert(without, card_id, index) : without,
        };
      });
    }
    case 'card.deleted': {
      const { card_id } = event.data;
      return mapColumns(
        { ...board, cards: board.cards.filter((c) => c.id !== card_id) },
        (col) => ({
          ...col,
          card_ids: col.card_ids.filter((id) => id !== card_id),
        }),
      );
    }
    case 'column.created':
      return { ...board, columns: clampInsert(board.columns, event.data.column, event.data.index) };
    case 'column.updated':
      return mapColumns(board, (col) =>
        col.id === event.data.column_id ? { ...col, title: event.data.title } : col,
      );
    case 'column.deleted': {
      const { column_id } = event.data;
      return {
        ...board,
        columns: board.columns.filter((col) => col.id !== column_id),
        cards: board.cards.filter((c) => c.column_id !== column_id),
      };
    }
    default:
      // A newer server's event this client does not know changes nothing: a client that checks
      // only the envelope (rule E3) delivers it, and unknown types are ignored (section 2).
      return board;
  }
}
