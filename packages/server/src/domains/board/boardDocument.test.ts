import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/createLogger.js';
import { DATABASE_FILE, createSqliteStorage } from '../../storage/createSqliteStorage.js';
import { boardOfBytes, storeBoard } from '../../test-utils/boardOfBytes.js';
import {
  createCardOverHttp,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
} from '../../test-utils/index.js';
import { PRUNE_POLICY, pruneAll, storedSeqs } from '../../test-utils/pruning.js';
import { DOCUMENT_EVERY_EVENTS } from './storesDocument.js';

/** A data dir holding board `big` (128 KiB), and a storage beside the server that reads it. */
const dataDirWithBigBoard = async () => {
  const dataDir = tempDataDir();
  await storeBoard(dataDir, boardOfBytes('big', 128 * 1024));
  const reader = createSqliteStorage(dataDir, createLogger('silent'));
  onTestCleanup(() => reader.close());
  return { dataDir, reader };
};

/** Creates cards `<prefix>-1` … `<prefix>-<count>` on board `big`, one after another. */
const createCards = async (server: { origin: string }, prefix: string, count: number) => {
  for (let i = 1; i <= count; i += 1)
    expect((await createCardOverHttp(server, 'big', `${prefix}-${i}`)).status).toBe(201);
};

describe('a board is its document plus the events after it', () => {
  it(`B6 a new board's first op stores its document; on a board its events are small beside, an op stores it only as the ${DOCUMENT_EVERY_EVENTS}th event after it, and a server started again over the data dir serves the same board`, async () => {
    const { dataDir, reader } = await dataDirWithBigBoard();
    const server = await startTestServer({ dataDir });
    expect((await createCardOverHttp(server, 'new', 'first')).status).toBe(201);
    expect((await reader.loadSequenced('board', 'new')).seq).toBe(1);

    await createCards(server, 'before', DOCUMENT_EVERY_EVENTS - 1);
    expect((await reader.loadSequenced('board', 'big')).seq).toBe(0);
    await createCards(server, 'at', 1);
    expect((await reader.loadSequenced('board', 'big')).seq).toBe(DOCUMENT_EVERY_EVENTS);
    await createCards(server, 'after', 3);
    expect((await reader.loadSequenced('board', 'big')).seq).toBe(DOCUMENT_EVERY_EVENTS);
    const before = (await rawRequest(server, '/api/boards/big')).json;
    expect(before).toMatchObject({ seq: DOCUMENT_EVERY_EVENTS + 3 });
    await server.stop();

    const again = await startTestServer({ dataDir });
    expect((await rawRequest(again, '/api/boards/big')).json).toEqual(before);
  });

  it("G1 B6 retention with a window of one event keeps a board's events after its document, and a server started again after it serves the same board", async () => {
    const { dataDir, reader } = await dataDirWithBigBoard();
    const server = await startTestServer({ dataDir });
    await createCards(server, 'kept', 3);
    const before = (await rawRequest(server, '/api/boards/big')).json;
    await server.stop();

    await pruneAll(reader, { ...PRUNE_POLICY, roomMaxEvents: 1 }, Date.now() + 3_600_000);
    expect(await storedSeqs(reader, 'board:big')).toEqual([1, 2, 3]);
    const again = await startTestServer({ dataDir });
    expect((await rawRequest(again, '/api/boards/big')).json).toEqual(before);
  });

  it("B6 S3 a board whose stored events stop below its room's head is refused with 503 naming it, logged once per refusal, never served behind the head, and an op on it is refused at once", async () => {
    const { dataDir, reader } = await dataDirWithBigBoard();
    const server = await startTestServer({ dataDir });
    await createCards(server, 'lost', 3);
    await server.stop();
    const database = new Database(join(dataDir, DATABASE_FILE));
    database.prepare("DELETE FROM documents WHERE kind = 'board' AND id = 'big'").run();
    database.close();
    await pruneAll(reader, PRUNE_POLICY, Date.now() + 3_600_000);
    expect(await storedSeqs(reader, 'board:big')).toEqual([]);
    expect((await reader.readHead('board:big')).headSeq).toBe(3);

    const logged: Record<string, unknown>[] = [];
    const logger = createLogger('error', (line) =>
      logged.push(JSON.parse(line) as Record<string, unknown>),
    );
    const again = await startTestServer({ dataDir, logger });
    const refused = {
      status: 503,
      json: { error: { message: expect.stringContaining('board big') as string } },
    };
    expect(await rawRequest(again, '/api/boards/big')).toMatchObject(refused);
    expect(await rawRequest(again, '/api/boards/big')).toMatchObject(refused);
    expect(await createCardOverHttp(again, 'big', 'after-loss')).toMatchObject(refused);
    const unloadable = { event: 'board.unloadable', level: 'error', board: 'big' };
    expect(logged).toEqual([1, 2, 3].map(() => expect.objectContaining(unloadable) as unknown));
  });
});
