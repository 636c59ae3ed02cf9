import { applyBoardEvent, type Board, type BoardEvent, type BoardOp } from '@liveline/protocol';

/** The board operations the board page sends: those on cards, a new card's id chosen by the page. */
export type CardOp = Extract<BoardOp, { type: `card.${string}` }> & { readonly card_id: string };

/** An operation sent or queued that the server has neither acknowledged nor refused. */
export interface PendingOp {
  readonly op: CardOp;
  /** When it was made, in epoch ms. */
  readonly at: number;
}

/** The board as the user expects it: the server's, with their pending operations on top. */
export interface OptimisticBoard {
  readonly board: Board;
  /** Cards a pending operation changed, to be marked as not yet saved. */
  readonly pendingCards: ReadonlySet<string>;
}

// A local event is never numbered: it is only reduced here, never stored or resumed from.
const LOCAL = { seq: 0, epoch: 'local' } as const;

/**
 * The event the server will make of `op` on `board` (rule B1), or null when there is nothing to
 * show: the server already applied it (its card exists), or it names a card or column the board
 * does not have, which the server will refuse.
 */
function expectedEvent(board: Board, { op, at }: PendingOp): BoardEvent | null {
  const card = board.cards.find((c) => c.id === op.card_id);
  const column = (id: string) => board.columns.find((c) => c.id === id);
  if (op.type === 'card.create') {
    const target = column(op.column_id);
    if (card || !target) return null;
    const { card_id: id, column_id, title, description = '', index } = op;
    const created = { id, column_id, title, description, assignee: null, updated_at: at };
    return {
      type: 'card.created',
      ...LOCAL,
      data: { op_id: op.op_id, card: created, index: index ?? target.card_ids.length },
    };
  }
  if (!card) return null;
  switch (op.type) {
    case 'card.update': {
      const { title = card.title, description = card.description, assignee = card.assignee } = op;
      const updated = { ...card, title, description, assignee, updated_at: at };
      return { type: 'card.updated', ...LOCAL, data: { op_id: op.op_id, card: updated } };
    }
    case 'card.move':
      if (!column(op.column_id)) return null;
      return {
        type: 'card.moved',
        ...LOCAL,
        data: { op_id: op.op_id, card_id: card.id, column_id: op.column_id, index: op.index, at },
      };
    case 'card.delete':
      return { type: 'card.deleted', ...LOCAL, data: { op_id: op.op_id, card_id: card.id } };
  }
}

/**
 * Applies `pending` in the order they were made over the server's `board`, with the reducer the
 * server's events go through, so a change shows at once where the server will put it.
 */
export function applyPendingOps(board: Board, pending: readonly PendingOp[]): OptimisticBoard {
  let shown = board;
  const pendingCards = new Set<string>();
  for (const item of pending) {
    const event = expectedEvent(shown, item);
    if (!event) continue;
    shown = applyBoardEvent(shown, event);
    pendingCards.add(item.op.card_id);
  }
  return { board: shown, pendingCards };
}
