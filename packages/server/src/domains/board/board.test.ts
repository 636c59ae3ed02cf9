import {
  BOARD_CARDS_MAX,
  BOARD_COLUMNS_MAX,
  boardSchema,
  parse,
  type Board,
} from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/createLogger.js';
import { createSqliteStorage } from '../../storage/createSqliteStorage.js';
import type { Storage } from '../../storage/Storage.js';
import { answerTo, boardSeenBy } from '../../test-utils/boardClients.js';
import { startServerWithBoard } from '../../test-utils/startServerWithBoard.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../../test-utils/index.js';

/** A real SQLite storage that counts the calls of each of its methods. */
const countingStorage = (): { storage: Storage; calls: Map<string, number> } => {
  const inner = createSqliteStorage(tempDataDir(), createLogger('silent'));
  onTestCleanup(() => inner.close());
  const calls = new Map<string, number>();
  const storage = new Proxy(inner, {
    get(target, name: string) {
      const value: unknown = Reflect.get(target, name);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { storage, calls };
};

describe('Agent Kanban board', () => {
  it('B1 two clients moving cards concurrently converge to the same board as the server', async () => {
    const server = await startTestServer();
    const a = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=b1'));
    const b = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=b1'));
    await a.next('snapshot');
    await b.next('snapshot');
    for (const id of ['c1', 'c2', 'c3'])
      a.send({
        type: 'card.create',
        op_id: `create-${id}`,
        card_id: id,
        column_id: 'backlog',
        title: id,
      });
    await b.next(
      (m) => m.type === 'card.created' && (dataOf(m).card as { id: string }).id === 'c3',
    );
    a.send({ type: 'card.move', op_id: 'a-move', card_id: 'c1', column_id: 'done', index: 0 });
    b.send({ type: 'card.move', op_id: 'b-move', card_id: 'c1', column_id: 'review', index: 0 });
    a.send({ type: 'card.move', op_id: 'a-move2', card_id: 'c2', column_id: 'review', index: 0 });
    b.send({ type: 'card.move', op_id: 'b-move2', card_id: 'c3', column_id: 'done', index: 0 });
    await a.next(() => a.messages.filter((x) => x.type === 'card.moved').length === 4);
    await b.next(() => b.messages.filter((x) => x.type === 'card.moved').length === 4);
    const final = await rawRequest(server, '/api/boards/b1');
    const expected = parse(boardSchema, final.json?.board);
    expect(expected.ok).toBe(true);
    const withoutPresence = (board: Board) => ({ ...board, presence: [] });
    expect(withoutPresence(boardSeenBy(a).board)).toEqual(withoutPresence(boardSeenBy(b).board));
    if (expected.ok)
      expect(withoutPresence(boardSeenBy(a).board)).toEqual(withoutPresence(expected.value));
  });

  it('B2 an operation replayed after reconnect is applied once and acked as duplicate with the original seq', async () => {
    const server = await startTestServer();
    const first = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=b2'));
    first.send({ type: 'card.create', op_id: 'once', column_id: 'backlog', title: 'only one' });
    const ack = dataOf(await first.next('ack'));
    first.ws.close();
    const again = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=b2'));
    again.send({ type: 'card.create', op_id: 'once', column_id: 'backlog', title: 'only one' });
    expect(dataOf(await again.next('ack'))).toEqual({
      op_id: 'once',
      seq: ack.seq,
      duplicate: true,
    });
    const http = await rawRequest(server, '/api/boards/b2/ops', {
      body: { type: 'card.create', op_id: 'once', column_id: 'backlog', title: 'only one' },
    });
    expect(http.json).toEqual({ op_id: 'once', seq: ack.seq, duplicate: true });
    const board = await rawRequest(server, '/api/boards/b2');
    expect((board.json?.board as Board).cards).toHaveLength(1);
  });

  it('B2 an op the board accepts is one append, which answers a retry duplicate; a retry the board refuses is looked up', async () => {
    const { storage, calls } = countingStorage();
    const server = await startTestServer({ storage });
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=count'));
    await client.next('snapshot');
    const create = {
      type: 'card.create',
      op_id: 'make',
      card_id: 'c',
      column_id: 'backlog',
      title: 'c',
    };
    const update = { type: 'card.update', op_id: 'edit', card_id: 'c', title: 'edited' };
    client.send(create);
    const made = dataOf(await client.next('ack'));
    calls.clear();
    client.send(update);
    const edited = dataOf(await client.next('ack'));
    expect(edited).toMatchObject({ op_id: 'edit', duplicate: false });
    expect(calls.get('append')).toBe(1);
    expect(calls.get('appliedOp')).toBeUndefined();

    calls.clear();
    client.send(update);
    expect(dataOf(await client.next('ack'))).toEqual({
      op_id: 'edit',
      seq: edited.seq,
      duplicate: true,
    });
    client.send(create);
    expect(dataOf(await client.next('ack'))).toEqual({
      op_id: 'make',
      seq: made.seq,
      duplicate: true,
    });
    expect(calls.get('append')).toBe(1);
    expect(calls.get('appliedOp')).toBe(1);
    expect((await storage.readHead('board:count')).headSeq).toBe(edited.seq);
  });

  it('B2 B3 an op on a card that does not exist gets not_found with its op_id; presence.update shows the name; new boards have the default columns', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=b3'));
    const snapshot = await client.next('snapshot');
    expect((dataOf(snapshot).columns as { title: string }[]).map((c) => c.title)).toEqual([
      'Backlog',
      'In progress',
      'Review',
      'Done',
    ]);
    client.send({ type: 'card.move', op_id: 'm1', card_id: 'ghost', column_id: 'done', index: 0 });
    expect(dataOf(await client.next('error'))).toMatchObject({
      code: 'not_found',
      field: 'card_id',
      op_id: 'm1',
    });
    client.send({ type: 'presence.update', name: 'Ada' });
    await client.next((m) => m.type === 'presence' && JSON.stringify(m.data).includes('Ada'));
  });

  it(`B4 a board holds at most ${BOARD_CARDS_MAX} cards and ${BOARD_COLUMNS_MAX} columns: an op past a cap gets limit_exceeded on the socket and 409 over HTTP, the board stays as it was, and the next op applies`, async () => {
    // A board one short of each cap, stored as the server would have stored it.
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const empty = { description: '', assignee: null, updated_at: 0 };
    const cards = ids('c', BOARD_CARDS_MAX - 1).map((id) => ({
      id,
      column_id: 'col0',
      title: id,
      ...empty,
    }));
    const columns = ids('col', BOARD_COLUMNS_MAX - 1).map((id) => ({
      id,
      title: id,
      card_ids: [] as string[],
    }));
    columns[0]?.card_ids.push(...cards.map((c) => c.id));
    const server = await startServerWithBoard({ board_id: 'full', columns, cards });
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=full'));
    await client.next('snapshot');
    const send = (op: { op_id: string } & Record<string, unknown>) => answerTo(client, op);
    const card = (op_id: string) => ({
      type: 'card.create',
      op_id,
      column_id: 'col0',
      title: op_id,
    });
    const column = (op_id: string) => ({ type: 'column.create', op_id, title: op_id });

    expect(await send(card('last-card'))).toMatchObject({ type: 'ack' });
    expect(await send(column('last-column'))).toMatchObject({ type: 'ack' });
    const full = await rawRequest(server, '/api/boards/full');
    for (const [op, what] of [
      [card('over-card'), 'cards'],
      [column('over-column'), 'columns'],
    ] as const) {
      const refused = dataOf(await send(op));
      expect(refused).toMatchObject({ code: 'limit_exceeded', op_id: op.op_id });
      expect(refused.message).toContain(
        `already has ${what === 'cards' ? BOARD_CARDS_MAX : BOARD_COLUMNS_MAX} ${what}`,
      );
      const http = await rawRequest(server, '/api/boards/full/ops', {
        body: { ...op, op_id: `http-${op.op_id}` },
      });
      expect(http.status).toBe(409);
      expect(http.json).toMatchObject({ error: { code: 'limit_exceeded' } });
    }
    expect((await rawRequest(server, '/api/boards/full')).json).toEqual(full.json);

    expect(await send({ type: 'card.delete', op_id: 'free-one', card_id: 'c0' })).toMatchObject({
      type: 'ack',
    });
    expect(await send(card('fits-again'))).toMatchObject({ type: 'ack' });
  });
});
