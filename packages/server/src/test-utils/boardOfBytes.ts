import type { Board } from '@liveline/protocol';
import { createEmptyBoard } from '../domains/board/defaultColumns.js';
import { createLogger } from '../log/createLogger.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';

/** The bytes one card of {@link boardOfBytes} takes, about. */
const CARD_BYTES = 1_100;

/**
 * A board with the default columns and about `bytes` of cards in its backlog: one whose stored
 * document an op's event is small beside, so ops do not store it each time (PROTOCOL.md B6).
 */
export function boardOfBytes(boardId: string, bytes: number): Board {
  const cards = Array.from({ length: Math.ceil(bytes / CARD_BYTES) }, (_, i) => ({
    id: `big-${i}`,
    column_id: 'backlog',
    title: `big card ${i}`,
    description: 'x'.repeat(CARD_BYTES - 100),
    assignee: null,
    updated_at: 0,
  }));
  const empty = createEmptyBoard(boardId);
  const columns = empty.columns.map((column) =>
    column.id === 'backlog' ? { ...column, card_ids: cards.map((card) => card.id) } : column,
  );
  return { ...empty, columns, cards };
}

/** Stores `board` in the SQLite database of `dataDir` (no server running on it), as the server would have. */
export async function storeBoard(dataDir: string, board: Board): Promise<void> {
  const storage = createSqliteStorage(dataDir, createLogger('silent'));
  await storage.putDocument({ kind: 'board', id: board.board_id, value: board });
  await storage.close();
}
