import type { Board } from '@liveline/protocol';

/** The columns a new board starts with. */
export const DEFAULT_COLUMNS = [
  { id: 'backlog', title: 'Backlog' },
  { id: 'in_progress', title: 'In progress' },
  { id: 'review', title: 'Review' },
  { id: 'done', title: 'Done' },
] as const;

/** A new empty board with the default columns. */
export const createEmptyBoard = (boardId: string): Board => ({
  board_id: boardId,
  columns: DEFAULT_COLUMNS.map((c) => ({ id: c.id, title: c.title, card_ids: [] })),
  cards: [],
});
