import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/createLogger.js';
import { createSqliteStorage, DATABASE_FILE } from '../../storage/createSqliteStorage.js';
import type { Storage } from '../../storage/Storage.js';
import { answerTo } from '../../test-utils/boardClients.js';
import { createFailingStorage } from '../../test-utils/failingStorage.js';
import {
  connectTestClient,
  createCardOverHttp,
  dataOf,
  onTestCleanup,
  rawRequest,
  type RawResponse,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../../test-utils/index.js';

/** The refusal of a new board's first operation at the cap, as HTTP and the socket carry it. */
const refusalOf = (board: string, max: number) => ({
  code: 'limit_exceeded',
  message: expect.stringContaining(
    `board "${board}" cannot be created: the server already holds ${max} boards`,
  ) as unknown,
  field: 'board_id',
});

let opsSent = 0;
/** The statuses of a card created (by a new op) on each board in turn over HTTP. */
const statusesOf = async (server: { origin: string }, boards: readonly string[]) => {
  const statuses: number[] = [];
  for (const board of boards)
    statuses.push((await createCardOverHttp(server, board, `op-${(opsSent += 1)}`)).status);
  return statuses;
};

describe('the cap on boards', () => {
  it('B5 past maxBoards the first operation on a new board is refused limit_exceeded naming the cap, field board_id (409 over HTTP, an error with its op_id on the socket); stored boards still take operations; a restart counts what storage holds', async () => {
    const dataDir = tempDataDir();
    const server = await startTestServer({ dataDir, maxBoards: 2 });
    expect(await statusesOf(server, ['a', 'b'])).toEqual([201, 201]);

    const overHttp = await createCardOverHttp(server, 'c', 'c1');
    expect(overHttp.status).toBe(409);
    expect(overHttp.json).toEqual({ error: refusalOf('c', 2) });
    const socket = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=d'));
    await socket.next('snapshot');
    const op = { type: 'card.create', op_id: 'd1', column_id: 'backlog', title: 'd1' };
    expect(dataOf(await answerTo(socket, op))).toEqual({ ...refusalOf('d', 2), op_id: 'd1' });
    expect((await createCardOverHttp(server, 'a', 'a2')).status).toBe(201);
    socket.ws.close();
    await server.stop();

    const again = await startTestServer({ dataDir, maxBoards: 2 });
    expect(await statusesOf(again, ['c', 'b'])).toEqual([409, 201]);
    await again.stop();
    const larger = await startTestServer({ dataDir, maxBoards: 3 });
    expect(await statusesOf(larger, ['c', 'd'])).toEqual([201, 409]);
  });

  it('B5 a node that found the cap reached refuses new boards without counting again, until it restarts', async () => {
    const dataDir = tempDataDir();
    const server = await startTestServer({ dataDir, maxBoards: 1 });
    expect(await statusesOf(server, ['a', 'b'])).toEqual([201, 409]);
    const db = new Database(join(dataDir, DATABASE_FILE));
    db.prepare("DELETE FROM documents WHERE kind = 'board' AND id = 'a'").run();
    db.close();
    expect(await statusesOf(server, ['b'])).toEqual([409]);
    await server.stop();
    expect(await statusesOf(await startTestServer({ dataDir, maxBoards: 1 }), ['b'])).toEqual([
      201,
    ]);
  });

  it('B5 S3 the first operation on a new board while storage cannot be read gets unavailable (503 over HTTP, an error with its op_id on the socket), logs no error, and is applied once storage recovers', async () => {
    const storage = createFailingStorage();
    const errors: unknown[] = [];
    const logger = createLogger('error', (line) => errors.push(JSON.parse(line)));
    const server = await startTestServer({ storage, logger, maxBoards: 2 });
    const socket = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=d'));
    await socket.next('snapshot');
    storage.failReads('bad sector');

    const overHttp = await createCardOverHttp(server, 'c', 'c1');
    expect(overHttp.status).toBe(503);
    expect(overHttp.json).toMatchObject({ error: { code: 'unavailable' } });
    const op = { type: 'card.create', op_id: 'd1', column_id: 'backlog', title: 'd1' };
    expect(dataOf(await answerTo(socket, op))).toMatchObject({ code: 'unavailable', op_id: 'd1' });
    expect(errors).toEqual([]);

    storage.recover();
    expect((await answerTo(socket, op)).type).toBe('ack');
    expect((await createCardOverHttp(server, 'c', 'c1')).status).toBe(201);
  });

  it('B5 at the cap, an operation on a board another node stored after this node found it new and before it counted the boards is applied, and a new board is still refused', async () => {
    const shared = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => shared.close());
    // Node B stores board x while node A counts the boards for its first operation on x.
    let beforeCount = (): Promise<unknown> => Promise.resolve();
    const counted: Storage = {
      ...shared,
      countBoards: () => beforeCount().then(() => shared.countBoards()),
    };
    const a = await startTestServer({ storage: counted, maxBoards: 1 });
    const b = await startTestServer({ storage: shared, maxBoards: 1 });
    let storedOnB: RawResponse | null = null;
    beforeCount = async () => {
      beforeCount = () => Promise.resolve();
      storedOnB = await createCardOverHttp(b, 'x', 'b1');
    };

    expect((await createCardOverHttp(a, 'x', 'a1')).status).toBe(201);
    expect(storedOnB).toMatchObject({ status: 201 });
    const { board } = (await rawRequest(b, '/api/boards/x')).json as {
      board: { cards: { title: string }[] };
    };
    expect(board.cards.map((card) => card.title)).toEqual(['b1', 'a1']);
    expect(await statusesOf(a, ['y'])).toEqual([409]);
  });
});
