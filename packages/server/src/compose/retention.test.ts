import { join } from 'node:path';
import { OP_ID_RETENTION_MS } from '@liveline/protocol';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import {
  connectTestClient,
  createCardOverHttp,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestClient,
  type TestMessage,
} from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import { MINUTE_MS } from '../test-utils/pruning.js';
import {
  memoryBroker,
  openReader,
  retentionOptions,
  rowCounter,
} from '../test-utils/retentionServer.js';
import { waitForStatus } from '../test-utils/workflows.js';
import { DATABASE_FILE } from '../storage/createSqliteStorage.js';

/** Board writers over real sockets, each updating one card of its own board with fresh op ids. */
async function boardWriters(server: { origin: string }, boards: readonly string[]) {
  const writers = await Promise.all(
    boards.map((board) => connectTestClient(wsOrigin(server, `/ws/connect?board_id=${board}`))),
  );
  let sent = 0;
  const acked = () => writers.flatMap((w) => w.messages).filter((m) => m.type === 'ack').length;
  /** Sends `count` ops on every socket at once and waits for their acks. */
  const burst = async (count: number, op: (board: string, n: number) => TestMessage) => {
    for (const [i, writer] of writers.entries())
      for (let n = 0; n < count; n += 1) writer.send(op(boards[i] ?? '', sent + n));
    sent += count;
    await vi.waitFor(() => expect(acked()).toBe(sent * writers.length), {
      timeout: 10_000,
      interval: 5,
    });
  };
  await burst(1, (board) => ({
    type: 'card.create',
    op_id: `${board}-create`,
    column_id: 'backlog',
    title: board,
    card_id: board,
  }));
  // Descriptions of one length, so that the board documents keep their size.
  return (count: number) =>
    burst(count, (board, n) => ({
      type: 'card.update',
      op_id: `${board}-${n}`,
      card_id: board,
      description: `update ${String(n).padStart(8, '0')}`,
    }));
}

describe('retention (a real server, tiny limits)', () => {
  it('G1 G2 R4 R6 after many ops the stored events and op ids stay bounded; after a restart a client resuming inside the window is resumed, one from before it gets history_truncated', async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const limits = retentionOptions(dataDir, clock.now, {
      historyMaxEvents: 20,
      historyMaxAgeMs: 24 * 60 * MINUTE_MS,
      opIdRetentionMs: MINUTE_MS,
    });
    const server = await startTestServer(limits);
    const rows = rowCounter(dataDir);
    const watcher = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=soak'));
    const snapshot = await watcher.next('snapshot');

    let head = 0;
    for (let round = 0; round < 5; round += 1) {
      const acks = await Promise.all(
        Array.from({ length: 40 }, (_, i) => createCardOverHttp(server, 'soak', `r${round}-${i}`)),
      );
      head = Math.max(head, ...acks.map((ack) => Number(ack.json?.seq)));
      clock.skip(2 * MINUTE_MS);
      await vi.waitFor(() => {
        expect(rows('room_events')).toBe(20);
        expect(rows('applied_ops')).toBe(0);
      });
    }
    await server.stop();
    const again = await startTestServer(limits);
    const resume = (seq: number) =>
      connectTestClient(
        wsOrigin(again, `/ws/connect?board_id=soak&epoch=${String(snapshot.epoch)}&seq=${seq}`),
      );
    const inside = await resume(head - 5);
    const before = await resume(head - 30);

    expect(head).toBe(Number(snapshot.seq) + 200);
    expect(await inside.next((m) => m.type === 'resumed' || m.type === 'snapshot')).toMatchObject({
      type: 'resumed',
      seq: head - 5,
      data: { replayed: 5 },
    });
    await vi.waitFor(() =>
      expect(inside.messages.filter((m) => m.type === 'card.created').map((m) => m.seq)).toEqual(
        [4, 3, 2, 1, 0].map((back) => head - back),
      ),
    );
    expect(await before.next((m) => m.type === 'resumed' || m.type === 'snapshot')).toMatchObject({
      type: 'snapshot',
      seq: head,
      recovered: false,
      reason: 'history_truncated',
    });
  });

  it('G1 R5 --history-max-events bounds replay in the bin: a client 3 events behind is resumed, one 4 behind gets history_truncated', async () => {
    const server = await spawnServer(tempDataDir(), { args: ['--history-max-events', '3'] });
    const watcher = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=h'));
    const { epoch, seq } = await watcher.next('snapshot');
    for (let n = 1; n <= 6; n += 1) await createCardOverHttp(server, 'h', `h${n}`);
    const resume = (from: number) =>
      connectTestClient(
        wsOrigin(server, `/ws/connect?board_id=h&epoch=${String(epoch)}&seq=${from}`),
      );
    const first = (client: TestClient) =>
      client.next((m) => m.type === 'resumed' || m.type === 'snapshot');

    const head = Number(seq) + 6;
    expect(await first(await resume(head - 3))).toMatchObject({
      type: 'resumed',
      data: { replayed: 3 },
    });
    expect(await first(await resume(head - 4))).toMatchObject({
      type: 'snapshot',
      reason: 'history_truncated',
    });
  });

  it('G1 G2 G4 under a steady stream of ops the database file stops growing after warm-up: freed pages are reused', async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const server = await startTestServer(
      retentionOptions(dataDir, clock.now, { historyMaxEvents: 20, opIdRetentionMs: MINUTE_MS }),
    );
    const db = openReader(dataDir);
    const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get();
    const boards = ['a', 'b', 'c', 'd'];
    const write = await boardWriters(server, boards);
    /** Rounds of ops, each expiring the op ids before it, then the file's size once pruned. */
    const pagesAfter = async (rounds: number) => {
      for (let round = 0; round < rounds; round += 1) {
        await write(25);
        clock.skip(2 * MINUTE_MS);
      }
      await vi.waitFor(() => {
        expect(count('room_events')).toBe(20 * boards.length);
        expect(count('applied_ops')).toBe(0);
      });
      return db.prepare('PRAGMA page_count').pluck().get() as number;
    };

    const warm = await pagesAfter(5);
    const later = await pagesAfter(25);

    // Unpruned, those 25 rounds would add about 200 pages. Pruned, the file's high-water mark only
    // moves with how far pruning lags one burst (one round is about 5 pages).
    expect(later).toBeLessThanOrEqual(warm + 24);
  });

  it('G2 B2 a retried op inside the op-id window is a duplicate, also after a restart; past the window its op id is pruned', async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const limits = retentionOptions(dataDir, clock.now, { opIdRetentionMs: 10 * MINUTE_MS });
    const server = await startTestServer(limits);
    const rows = rowCounter(dataDir);
    await createCardOverHttp(server, 'ops', 'early');
    clock.skip(6 * MINUTE_MS);
    const late = await createCardOverHttp(server, 'ops', 'late');
    clock.skip(6 * MINUTE_MS);

    await vi.waitFor(() => expect(rows('applied_ops')).toBe(1));
    await server.stop();
    const again = await startTestServer(limits);
    const retried = await createCardOverHttp(again, 'ops', 'late');
    const expired = await createCardOverHttp(again, 'ops', 'early');

    expect(retried).toMatchObject({ status: 200, json: { duplicate: true, seq: late.json?.seq } });
    expect(expired).toMatchObject({ status: 201, json: { duplicate: false } });
  });

  it('G2 a server started with opIdRetentionMs below its default logs one warning naming the setting, its value and the default; at the default it logs none', async () => {
    const warnings: Record<string, unknown>[] = [];
    const logger = createLogger('warn', (line) =>
      warnings.push(JSON.parse(line) as Record<string, unknown>),
    );
    const short = await startTestServer({ logger, opIdRetentionMs: MINUTE_MS });
    await short.stop();
    expect(warnings.filter((w) => w.event === 'server.op_id_retention_short')).toEqual([
      expect.objectContaining({
        level: 'warn',
        setting: 'opIdRetentionMs',
        value_ms: MINUTE_MS,
        default_ms: OP_ID_RETENTION_MS,
      }),
    ]);

    warnings.length = 0;
    await (await startTestServer({ logger, opIdRetentionMs: OP_ID_RETENTION_MS })).stop();
    expect(warnings.map((w) => w.event)).not.toContain('server.op_id_retention_short');
  });

  it('G1 a board nobody listens to and nobody used for the history age leaves memory (its broker copy and its document); opened again it is read back from storage and answers as before', async () => {
    const dataDir = tempDataDir();
    const clock = createTestClock();
    const broker = memoryBroker(clock.now, 10 * MINUTE_MS);
    const server = await startTestServer({
      dataDir,
      now: clock.now,
      broker,
      historyMaxAgeMs: 10 * MINUTE_MS,
    });
    await createCardOverHttp(server, 'kept', 'k1');
    const listener = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=kept'));
    await listener.next('snapshot');
    let head = 0;
    for (const op of ['i1', 'i2', 'i3'])
      head = Number((await createCardOverHttp(server, 'idle', op)).json?.seq);
    const first = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=idle'));
    const { epoch } = await first.next('snapshot');
    first.ws.close();
    await rawRequest(server, '/api/workflows', {
      body: { id: 'done', mode: 'idea', input: 'A cat.' },
    });
    await waitForStatus(server, 'done', 'completed');

    clock.skip(11 * MINUTE_MS);
    await vi.waitFor(() => expect(broker.subscriberCount('board:idle')).toBe(0));
    await createCardOverHttp(server, 'other', 'o1');
    expect(broker.holds?.('board:idle')).toBe(false);
    expect(broker.holds?.('workflow:done')).toBe(false);
    expect(broker.holds?.('board:kept')).toBe(true);
    // Changed behind the server's back: only a board read back from storage shows it.
    const db = new Database(join(dataDir, DATABASE_FILE));
    onTestCleanup(() => db.close());
    const retitle = (board: string) =>
      db
        .prepare(
          `UPDATE documents SET json = json_set(json, '$.cards[0].title', 'read back') WHERE kind = 'board' AND id = ?`,
        )
        .run(board);
    retitle('idle');
    retitle('kept');

    const titles = async (board: string) =>
      (
        (await rawRequest(server, `/api/boards/${board}`)).json as {
          board: { cards: { title: string }[] };
        }
      ).board.cards.map((c) => c.title);
    expect(await titles('idle')).toEqual(['read back', 'i2', 'i3']);
    expect(await titles('kept')).toEqual(['k1']);
    expect(broker.holds?.('board:idle')).toBe(true);
    const resumed = await connectTestClient(
      wsOrigin(server, `/ws/connect?board_id=idle&epoch=${String(epoch)}&seq=${head}`),
    );
    expect(await resumed.next((m) => m.type === 'resumed' || m.type === 'snapshot')).toMatchObject({
      type: 'resumed',
      seq: head,
      data: { replayed: 0 },
    });
    expect((await createCardOverHttp(server, 'idle', 'i4')).json?.seq).toBe(head + 1);
    expect(await resumed.next('card.created')).toMatchObject({ seq: head + 1 });
    const run = await connectTestClient(wsOrigin(server, '/ws/workflow/done'));
    expect(await run.next('snapshot')).toMatchObject({
      data: { workflow: { status: 'completed' } },
    });
  });
});
