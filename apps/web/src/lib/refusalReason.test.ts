import { afterEach, describe, expect, it } from 'vitest';
import { BOARD_CARDS_MAX } from '@liveline/protocol';
import { LivelineError, createClient, type Client } from '@liveline/ws-client';
import { withRealServer } from '../withRealServer';
import { refusalReason } from './refusalReason';

const capped = withRealServer({ maxBoards: 1 });
// Filling a board to a cap takes more operations than the per-socket rate limit lets through.
const roomy = withRealServer({ rateLimitPerSecond: 1e6, rateLimitBurst: 1e6 });

const clients: Client[] = [];
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
});

/** Sends an operation to board `boardId` on `server`, answering the server's answer. */
const boardOn = (server: () => { origin: string }, boardId: string) => {
  const client = createClient({ origin: server().origin });
  clients.push(client);
  const channel = client.channel('board', { query: { board_id: boardId } });
  return (op: Parameters<typeof channel.request>[0]) => channel.request(op);
};

/** What {@link boardOn} sends. */
type SentOp = Parameters<ReturnType<typeof boardOn>>[0];

/**
 * Sends `op(i)` for i = 0, 1, … to board `boardId` of the roomy server until one is refused, and
 * answers that refusal's reason.
 */
async function reasonOnceFull(boardId: string, op: (i: number) => SentOp): Promise<string> {
  const send = boardOn(roomy, boardId);
  for (let i = 0; i < 1000; i += 1) {
    const refused = await send(op(i)).then(
      () => null,
      (error: unknown) => error,
    );
    if (refused) return refusalReason(refused);
  }
  throw new Error('never refused');
}

describe('refusalReason', () => {
  it('B5 a new board the server refuses for its cap on boards is said to be past the server’s boards, not a full board', async () => {
    const send = boardOn(capped, 'stored');
    await send({ type: 'card.create', op_id: 'op-stored', column_id: 'backlog', title: 'Kite' });
    const other = boardOn(capped, 'new');
    const refused = await other({
      type: 'card.create',
      op_id: 'op-new',
      column_id: 'backlog',
      title: 'Kite',
    }).catch((error: unknown) => error);
    expect(refusalReason(refused)).toBe(
      'the server cannot hold more boards; use an existing board',
    );
  });

  it('B4 a card past the board’s cap on cards is said to be one card too many, naming the cap', () => {
    // The server's refusal as it sends it (its board.test.ts B4 pins the message): filling a real
    // board with 2000 cards takes seconds, each operation storing the whole board.
    const refused = new LivelineError('server_error', 'refused', {
      cause: {
        code: 'limit_exceeded',
        message: `board "many" already has ${BOARD_CARDS_MAX} cards, the most a board holds; delete some first (op card-2000)`,
      },
    });
    expect(refusalReason(refused)).toBe(
      'the board already has 2000 cards, the most it holds; delete a card to make room',
    );
  });

  it('B4 a column past the board’s cap on columns is said to be one column too many, naming the cap', async () => {
    const column = (i: number): SentOp => ({
      type: 'column.create',
      op_id: `column-${i}`,
      title: `${i}`,
    });
    expect(await reasonOnceFull('wide', column)).toBe(
      'the board already has 100 columns, the most it holds; delete a column to make room',
    );
  });

  it('B4 a change that would take the board past its bytes is said to make it too big, naming the size, not a count', async () => {
    const longCard = (i: number): SentOp => ({
      type: 'card.create',
      op_id: `long-${i}`,
      column_id: 'backlog',
      title: `${i}`,
      description: 'é'.repeat(5000),
    });
    expect(await reasonOnceFull('heavy', longCard)).toBe(
      'the board is full: it holds at most 512 KiB of text; delete or shorten some cards to make room',
    );
  });
});
