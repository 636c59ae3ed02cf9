import { BOARD_BYTES_MAX, type Board, type Card } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { answerTo } from '../../test-utils/boardClients.js';
import { connectTestClient, dataOf, rawRequest, wsOrigin } from '../../test-utils/index.js';
import { runSlowReader } from '../../test-utils/runSlowReader.js';
import { startServerWithBoard } from '../../test-utils/startServerWithBoard.js';

/** Two bytes in UTF-8 and one character: the cap counts bytes, not characters. */
const WIDE = 'é';
const DESCRIPTION_MAX = 5000;

/**
 * A board in one column whose JSON takes `bytes` (or, when not even an empty card fits the rest,
 * a few dozen fewer): cards with descriptions of up to the longest a card may have.
 */
const boardOfBytes = (board_id: string, bytes: number): Board => {
  const card_ids: string[] = [];
  const cards: Card[] = [];
  const board = { board_id, columns: [{ id: 'col0', title: 'To do', card_ids }], cards };
  const size = () => Buffer.byteLength(JSON.stringify(board));
  for (let gap = bytes - size(); gap > 0; gap = bytes - size()) {
    const id = `c${cards.length}`;
    const card = {
      id,
      column_id: 'col0',
      title: id,
      description: '',
      assignee: null,
      updated_at: 0,
    };
    cards.push(card);
    card_ids.push(id);
    const rest = bytes - size();
    if (rest < 0) {
      cards.pop();
      card_ids.pop();
      break;
    }
    const wide = Math.min(DESCRIPTION_MAX, Math.floor(rest / 2));
    card.description = WIDE.repeat(wide) + (wide < DESCRIPTION_MAX && rest % 2 ? 'x' : '');
  }
  return board;
};

describe('board byte cap (rule B4)', () => {
  it(`B4 a board takes at most ${BOARD_BYTES_MAX} bytes: an op that would grow it past them gets limit_exceeded on the socket and 409 over HTTP, the board stays as it was, and once a delete made room the op applies`, async () => {
    const board = boardOfBytes('heavy', BOARD_BYTES_MAX - 100);
    const server = await startServerWithBoard(board);
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=heavy'));
    expect(dataOf(await client.next('snapshot'))).toEqual(board);
    const send = (op: { op_id: string } & Record<string, unknown>) => answerTo(client, op);
    // Each grows the board by a few hundred bytes, over the 100 left; fewer than 100 characters.
    const long = WIDE.repeat(90);
    const create = (op_id: string) => ({
      type: 'card.create',
      op_id,
      card_id: op_id,
      column_id: 'col0',
      title: long,
    });
    const growing = [
      create('over-create'),
      { type: 'card.update', op_id: 'over-update', card_id: 'c0', title: long },
      { type: 'column.create', op_id: 'over-column', title: long },
      { type: 'column.update', op_id: 'over-rename', column_id: 'col0', title: long },
    ];
    for (const op of growing) {
      const refused = dataOf(await send(op));
      expect(refused).toMatchObject({ code: 'limit_exceeded', op_id: op.op_id });
      expect(refused.message).toMatch(new RegExp(`is full: .* over the ${BOARD_BYTES_MAX} `));
      const http = await rawRequest(server, '/api/boards/heavy/ops', {
        body: { ...op, op_id: `http-${op.op_id}` },
      });
      expect(http.status).toBe(409);
      expect(http.json).toMatchObject({ error: { code: 'limit_exceeded' } });
    }
    expect((await rawRequest(server, '/api/boards/heavy')).json).toMatchObject({ board });

    expect(await send({ type: 'card.delete', op_id: 'make-room', card_id: 'c1' })).toMatchObject({
      type: 'ack',
    });
    expect(await send(create('fits-again'))).toMatchObject({ type: 'ack' });
  });

  it('B4 a board stored bigger than the byte cap (before there was one) still takes the ops that shrink it', async () => {
    const server = await startServerWithBoard(boardOfBytes('oversized', BOARD_BYTES_MAX + 40_000));
    const op = (body: Record<string, unknown>) =>
      rawRequest(server, '/api/boards/oversized/ops', { body });
    const shrink = { type: 'card.update', op_id: 'shorter', card_id: 'c0', description: '' };
    expect((await op(shrink)).status).toBe(201);
    expect((await op({ type: 'card.delete', op_id: 'fewer', card_id: 'c1' })).status).toBe(201);
    expect(
      (await op({ type: 'card.update', op_id: 'longer', card_id: 'c0', title: WIDE.repeat(9) }))
        .json,
    ).toMatchObject({ error: { code: 'limit_exceeded' } });
  });

  it("B4 L2 a client joining the fullest board is sent its snapshot and the events after it, even with an unsent-bytes bound far below the snapshot: a join's start is not slowness", async () => {
    const board = boardOfBytes('fullest', BOARD_BYTES_MAX);
    expect(Buffer.byteLength(JSON.stringify(board))).toBe(BOARD_BYTES_MAX);
    const server = await startServerWithBoard(board, { orderedMaxBufferedBytes: 16 * 1024 });
    // The reader takes tens of KB off the wire before it pauses: the rest of the snapshot waits
    // unsent on the server, as behind any client slower than the server's writes.
    const reading = runSlowReader(server.port, '/ws/connect?board_id=fullest', 1.5, 3);
    await vi.waitFor(
      () => expect(server.stats().routes.board?.messages_sent).toBeGreaterThanOrEqual(2),
      {
        timeout: 1000,
      },
    );
    const deleted = await rawRequest(server, '/api/boards/fullest/ops', {
      body: { type: 'card.delete', op_id: 'after-join', card_id: 'c0' },
    });
    expect(deleted.status).toBe(201);

    const report = await reading;
    expect(report.close).toBeNull();
    expect(report.types).toContain('snapshot');
    expect(report.types.indexOf('card.deleted')).toBeGreaterThan(report.types.indexOf('snapshot'));
    expect(server.stats().routes.board?.slow_consumer_closes).toBe(0);
  });
});
