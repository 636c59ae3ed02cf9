import { expect, it } from 'vitest';
import { createClient } from '@liveline/ws-client';
import { withRealServer } from '../withRealServer';
import { refusalReason } from './refusalReason';

const server = withRealServer({ maxBoards: 1 });

it('B5 a new board the server refuses for its cap on boards is said to be past the server’s boards, not a full board', async () => {
  const client = createClient({ origin: server().origin });
  const createCard = (boardId: string) =>
    client.channel('board', { query: { board_id: boardId } }).request({
      type: 'card.create',
      op_id: `op-${boardId}`,
      column_id: 'backlog',
      title: 'Kite',
    });
  try {
    await createCard('stored');
    const refused = await createCard('new').catch((error: unknown) => error);
    expect(refusalReason(refused)).toBe(
      'the server cannot hold more boards; use an existing board',
    );
  } finally {
    client.close();
  }
});
