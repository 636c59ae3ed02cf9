import {
  applyBoardEvent,
  boardEventSchema,
  CloseCode,
  parse,
  type Board,
} from '@liveline/protocol';
import pg from 'pg';
import { createClient } from 'redis';
import { describe, expect, it, vi } from 'vitest';
import type { LivelineParts } from '../compose/resolveParts.js';
import { BrokerError, StorageError } from '../errors.js';
import { createLogger } from '../log/createLogger.js';
import type { Broker } from '../rooms/Broker.js';
import { createRedisBroker } from '../rooms/createRedisBroker.js';
import { connectWsClient } from '../reliability/connectWsClient.js';
import { BROKER_UNAVAILABLE_REASON, ROOM_DELETED_REASON } from '../routes/joinRooms.js';
import { boardSeenBy, createCard } from '../test-utils/boardClients.js';
import { deployNginxConfig } from '../test-utils/engines/deployNginxConfig.js';
import { startNginx } from '../test-utils/engines/startNginx.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestClient,
  type TestMessage,
} from '../test-utils/index.js';
import { finishedRunOnTwoNodes } from '../test-utils/finishedRunOnTwoNodes.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { STORAGE_PROBE_INTERVAL_MS } from '../storage/createStorageHealth.js';
import type { Storage } from '../storage/Storage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';

const engines = useClusterEngines('faults');

/**
 * Two nodes on a fresh database and the shared Redis, each with a client on board `board`; node A
 * with the parts `partsOfA` makes on that database.
 */
const twoNodes = async (
  board: string,
  partsOfA: (databaseUrl: string) => LivelineParts = () => ({}),
) => {
  const cluster = await engines.freshCluster();
  const a = await startTestServer({
    ...cluster,
    nodeId: 'node-a',
    ...partsOfA(cluster.databaseUrl),
  });
  const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
  const onA = await connectTestClient(wsOrigin(a, `/ws/connect?board_id=${board}`));
  const onB = await connectTestClient(wsOrigin(b, `/ws/connect?board_id=${board}`));
  await onA.next('snapshot');
  await onB.next('snapshot');
  return { a, b, onA, onB };
};

/**
 * A node's broker on the shared Redis whose publishes, and seeds, fail while `fault.publishes`,
 * and `fault.seeds`, are set (injected faults between storing and publishing); `fault.refusedSeeds`
 * counts the seeds it refused.
 */
const faultyBroker = async () => {
  const redisBroker = createRedisBroker({
    url: engines.redis.url,
    limits: { maxEvents: 1000, maxBytes: 1 << 20, maxAgeMs: 600_000 },
    now: () => Date.now(),
    encode: encodeTextFrame,
    log: createLogger('silent'),
  });
  onTestCleanup(() => redisBroker.close());
  await redisBroker.ready;
  const fault = { publishes: false, seeds: false, refusedSeeds: 0 };
  const broker: Broker = {
    ...redisBroker,
    publish: (room, position, frame) =>
      fault.publishes
        ? Promise.reject(new BrokerError('publish failed: injected'))
        : redisBroker.publish(room, position, frame),
    seed(room, seed) {
      if (!fault.seeds) return redisBroker.seed(room, seed);
      fault.refusedSeeds += 1;
      return Promise.reject(new BrokerError('seed failed: injected'));
    },
  };
  return { broker, fault };
};

/** The card ids a client saw created, in the order it saw them. */
const createdSeen = (client: TestClient): string[] =>
  client.messages
    .filter((m) => m.type === 'card.created')
    .map((m) => (dataOf(m).card as { id: string }).id);

/**
 * Sends a board op until it is acked, again with the same op id after each `unavailable` (like
 * ws-client's outbox, S4), and answers the ack.
 */
const sendUntilAcked = async (client: TestClient, id: string): Promise<TestMessage> => {
  for (;;) {
    createCard(client, id);
    const answer = await client.next(
      (m) => (m.type === 'ack' || m.type === 'error') && dataOf(m).op_id === id,
      10_000,
    );
    if (answer.type === 'ack') return answer;
    expect(dataOf(answer).code).toBe('unavailable');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/**
 * While a node's broker is down: `writer`'s op 'during' is refused `unavailable` at once, and a
 * join to `board` on `node` is closed 1013 naming the broker.
 */
const expectBrokerRefusals = async (
  writer: TestClient,
  node: { origin: string },
  board: string,
): Promise<void> => {
  const started = performance.now();
  createCard(writer, 'during');
  expect(dataOf(await writer.next('error'))).toMatchObject({
    code: 'unavailable',
    op_id: 'during',
  });
  expect(performance.now() - started).toBeLessThan(1_000);
  // A join there cannot subscribe: it is told why, not that storage failed.
  const joining = await connectTestClient(wsOrigin(node, `/ws/connect?board_id=${board}`));
  expect(await joining.closed).toMatchObject({
    code: CloseCode.TryAgainLater,
    reason: BROKER_UNAVAILABLE_REASON,
  });
};

describe('cluster faults', () => {
  it('S2 PostgreSQL down: an op is refused unavailable and /health is degraded naming the database; back up, the retried op id is applied once on every node', async () => {
    const { a, onA, onB } = await twoNodes('pg-down');
    createCard(onA, 'before');
    await onA.next('ack');
    await onB.next('card.created');
    await engines.postgres.restart(async () => {
      const started = performance.now();
      createCard(onA, 'during');
      const refused = await onA.next('error');
      expect(dataOf(refused)).toMatchObject({ code: 'unavailable', op_id: 'during' });
      expect(performance.now() - started).toBeLessThan(3_000);
      expect((await rawRequest(a, '/health')).json).toMatchObject({
        status: 'degraded',
        database: 'error',
        database_error: expect.stringMatching(/failed/) as unknown,
        broker: 'connected',
      });
    });
    await sendUntilAcked(onA, 'during');
    createCard(onA, 'during');
    expect(dataOf(await onA.next('ack'))).toMatchObject({ op_id: 'during', duplicate: true });
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['before', 'during']));
    expect(createdSeen(onA)).toEqual(['before', 'during']);
    await vi.waitFor(
      async () =>
        expect((await rawRequest(a, '/health')).json).toMatchObject({ status: 'healthy' }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
  });

  it('S2 PostgreSQL taking reads but refusing writes (read-only, as a standby after a failover): /health stays degraded while reads work, and is healthy again by itself once writes work', async () => {
    const logged: string[] = [];
    const node = await startTestServer({
      ...(await engines.freshCluster()),
      logger: createLogger('info', (line) => logged.push(line)),
    });
    let ops = 0;
    /** The status of a new op's request. */
    const write = async () => {
      ops += 1;
      const body = { type: 'card.create', op_id: `op-${ops}`, column_id: 'backlog', title: 'c' };
      return (await rawRequest(node, '/api/boards/read-only/ops', { body })).status;
    };
    const health = async () => (await rawRequest(node, '/health')).json;
    expect(await write()).toBe(201);
    // Existing sessions follow a reloaded default: the node's pooled connections turn read-only.
    const readOnly = async (on: boolean) => {
      const admin = new pg.Client({ connectionString: engines.postgres.url() });
      await admin.connect();
      try {
        await admin.query(
          on
            ? 'ALTER SYSTEM SET default_transaction_read_only = on'
            : 'ALTER SYSTEM RESET default_transaction_read_only',
        );
        await admin.query('SELECT pg_reload_conf()');
      } finally {
        await admin.end();
      }
    };
    onTestCleanup(() => readOnly(false));
    await readOnly(true);

    await vi.waitFor(async () => expect(await write()).toBe(503));
    await vi.waitFor(
      async () =>
        expect(await health()).toMatchObject({
          status: 'degraded',
          database_error: 'probe failed: cannot execute INSERT in a read-only transaction',
        }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
    expect((await rawRequest(node, '/api/boards/read-only')).status).toBe(200);
    expect(await health()).toMatchObject({ status: 'degraded', database: 'error' });
    await readOnly(false);

    await vi.waitFor(
      async () => expect(await health()).toMatchObject({ status: 'healthy', database_error: null }),
      { timeout: 5 * STORAGE_PROBE_INTERVAL_MS },
    );
    expect(await write()).toBe(201);
    expect(
      logged
        .map((line) => (JSON.parse(line) as { event: string }).event)
        .filter((event) => event.startsWith('storage.')),
    ).toEqual(['storage.error', 'storage.recovered']);
  });

  it('S2 S4 Redis killed for 2 s and restarted empty: writes are refused unavailable at once, a join is closed 1013 naming the broker, /health is degraded naming the broker, the clock keeps ticking; back up, the retried op is applied once and every client converges', async () => {
    const { a, b, onA, onB } = await twoNodes('redis-down');
    const clock = await connectTestClient(wsOrigin(b, '/ws/transport/clock'));
    createCard(onA, 'before');
    await onA.next('ack');
    await onB.next('card.created');
    await engines.redis.restart(async () => {
      await vi.waitFor(async () =>
        expect((await rawRequest(b, '/health')).json).toMatchObject({
          status: 'degraded',
          database: 'connected',
          broker: 'error',
          broker_error: expect.stringMatching(/^redis: /) as unknown,
        }),
      );
      await expectBrokerRefusals(onA, b, 'redis-down-join');
      const ticks = clock.messages.length;
      await vi.waitFor(() => expect(clock.messages.length).toBeGreaterThan(ticks + 10));
      await new Promise((resolve) => setTimeout(resolve, 2_000));
    });
    await sendUntilAcked(onA, 'during');
    await sendUntilAcked(onB, 'from-b');
    await vi.waitFor(
      () => expect(createdSeen(onA)).toEqual(['before', 'during', 'from-b']),
      ACROSS,
    );
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(createdSeen(onA)), ACROSS);
    expect((await rawRequest(a, '/health')).json).toMatchObject({ status: 'healthy' });
  });

  it('S2 Redis stopped (SIGSTOP) with its connections open: both nodes find it by their PINGs and say degraded naming the timeout, a write is refused unavailable at once, a join is closed 1013; once Redis answers again the retried op is applied once and every client converges', async () => {
    const { a, b, onA, onB } = await twoNodes('redis-stopped');
    createCard(onA, 'before');
    await onA.next('ack');
    await onB.next('card.created');
    await engines.redis.freeze(async () => {
      for (const node of [a, b])
        await vi.waitFor(
          async () =>
            expect((await rawRequest(node, '/health')).json).toMatchObject({
              status: 'degraded',
              broker: 'error',
              broker_error: expect.stringMatching(/^redis: .*time/i) as unknown,
            }),
          { timeout: 5_000 },
        );
      await expectBrokerRefusals(onA, b, 'redis-stopped');
    });
    await sendUntilAcked(onA, 'during');
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['before', 'during']), ACROSS);
    expect(createdSeen(onA)).toEqual(['before', 'during']);
    expect((await rawRequest(b, '/health')).json).toMatchObject({ status: 'healthy' });
  });

  it("G5 G3 a run retention deletes while Redis is down: its watchers on both nodes are closed with 4409 and the deletion's reason once Redis is back, told by a later prune pass", async () => {
    const { a, b, expire } = await finishedRunOnTwoNodes(await engines.freshCluster(), 'gone');
    const watchers = [a, b].map((server) =>
      connectTestClient(wsOrigin(server, '/ws/workflow/gone')),
    );
    const closes: unknown[] = [];
    for (const watcher of await Promise.all(watchers)) {
      await watcher.next('snapshot');
      void watcher.closed.then((close) => closes.push(close));
    }

    await engines.redis.restart(async () => {
      await vi.waitFor(async () =>
        expect((await rawRequest(a, '/health')).json).toMatchObject({ broker: 'error' }),
      );
      expire();
      await vi.waitFor(
        async () => expect((await rawRequest(a, '/api/workflows/gone')).status).toBe(410),
        ACROSS,
      );
      expect(closes).toEqual([]);
    });

    const deleted = { code: 4409, reason: ROOM_DELETED_REASON };
    await vi.waitFor(() => expect(closes).toEqual([deleted, deleted]), ACROSS);
  });

  it("an acked write whose publish failed reaches every node's clients once the broker takes publishes again, without another write", async () => {
    const { broker, fault } = await faultyBroker();
    const { onA, onB } = await twoNodes('unpublished', () => ({ broker }));
    fault.publishes = true;
    createCard(onA, 'stored');
    expect(dataOf(await onA.next('ack'))).toMatchObject({ op_id: 'stored', duplicate: false });
    expect(createdSeen(onB)).toEqual([]);
    fault.publishes = false;
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['stored']), ACROSS);
    await vi.waitFor(() => expect(createdSeen(onA)).toEqual(['stored']), ACROSS);
  });

  it("an acked write whose publish failed reaches the other nodes' clients when its node stops during a broker blip, without another write", async () => {
    const { broker, fault } = await faultyBroker();
    const { a, onA, onB } = await twoNodes('stopping', () => ({ broker }));
    fault.publishes = fault.seeds = true;
    createCard(onA, 'stored');
    expect(dataOf(await onA.next('ack'))).toMatchObject({ op_id: 'stored', duplicate: false });

    const refusedBefore = fault.refusedSeeds;
    const stopped = a.stop();
    // The blip ends once the stopping node's seed was refused.
    await vi.waitFor(() => expect(fault.refusedSeeds).toBeGreaterThan(refusedBefore), ACROSS);
    fault.publishes = fault.seeds = false;
    await stopped;
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['stored']), ACROSS);
  });

  it("S4 B2 an op whose reply node A lost is answered duplicate when retried on node B, which caught up to it before (its join), and node B publishes it: every client gets it though node A's broker takes nothing", async () => {
    const { broker, fault } = await faultyBroker();
    let loseReplies = false;
    const { b, onA, onB } = await twoNodes('lost-reply', (url) => {
      const storage = createPostgresStorage({ url, log: createLogger('silent') });
      onTestCleanup(() => storage.close());
      const append: Storage['append'] = async (request) => {
        const result = await storage.append(request);
        if (loseReplies) throw new StorageError('append failed: reply lost after COMMIT');
        return result;
      };
      return { broker, storage: { ...storage, append } };
    });
    // Node A stores the op but hears no reply, and cannot publish it (as if it died).
    fault.publishes = fault.seeds = true;
    loseReplies = true;
    createCard(onA, 'lost');
    expect(dataOf(await onA.next('error'))).toMatchObject({ code: 'unavailable', op_id: 'lost' });
    // Its client goes to node B: the join there catches B up to the stored card, then the op is sent again.
    const moved = await connectTestClient(wsOrigin(b, '/ws/connect?board_id=lost-reply'));
    await moved.next('snapshot');
    createCard(moved, 'lost');
    expect(dataOf(await moved.next('ack'))).toMatchObject({ op_id: 'lost', duplicate: true });
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['lost']), ACROSS);
    await vi.waitFor(() => expect(createdSeen(onA)).toEqual(['lost']), ACROSS);
  });

  it('FLUSHALL, then CLIENT KILL TYPE pubsub: nothing acked is lost, a join right after the flush is served, and every client converges in one order', async () => {
    const { a, b, onA, onB } = await twoNodes('flushed');
    const admin = createClient({ url: engines.redis.url });
    await admin.connect();
    onTestCleanup(() => admin.close());
    await sendUntilAcked(onA, 'c1');
    await admin.flushAll();
    const joined = await connectTestClient(wsOrigin(a, '/ws/connect?board_id=flushed'));
    await joined.next('snapshot');
    await Promise.all([sendUntilAcked(onB, 'c2'), sendUntilAcked(onA, 'c3')]);
    // A killed subscriber is a broker outage while it reconnects: writes meanwhile are refused.
    await admin.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await Promise.all([sendUntilAcked(onB, 'c4'), sendUntilAcked(onA, 'c5')]);
    const all = ['c1', 'c2', 'c3', 'c4', 'c5'].sort();
    for (const client of [onA, onB])
      await vi.waitFor(() => expect([...createdSeen(client)].sort()).toEqual(all), ACROSS);
    expect(createdSeen(onA)).toEqual(createdSeen(onB));
    await vi.waitFor(() =>
      expect([...boardSeenBy(joined).board.cards.map((c) => c.id)].sort()).toEqual(all),
    );
    for (const node of [a, b]) {
      const { json } = await rawRequest(node, '/api/boards/flushed');
      expect((json as { board: { cards: { id: string }[] } }).board.cards.map((c) => c.id)).toEqual(
        createdSeen(onA),
      );
    }
  });

  it('S4 a PostgreSQL backend terminated mid-load: every op is acked once retried with its op id, and every client converges', async () => {
    const { onA, onB } = await twoNodes('terminated');
    const ids = Array.from({ length: 30 }, (_, i) => `t${i}`);
    const terminate = async () => {
      const db = new pg.Client({ connectionString: engines.postgres.url() });
      await db.connect();
      const { rowCount } = await db.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'liveline'",
      );
      await db.end();
      return rowCount ?? 0;
    };
    const sending = ids.map((id, i) => sendUntilAcked(i % 2 ? onA : onB, id));
    expect(await terminate()).toBeGreaterThan(0);
    const acks = await Promise.all(sending);
    expect(new Set(acks.map((ack) => dataOf(ack).seq)).size).toBe(ids.length);
    for (const client of [onA, onB])
      await vi.waitFor(
        () => expect([...createdSeen(client)].sort()).toEqual([...ids].sort()),
        ACROSS,
      );
    expect(createdSeen(onA)).toEqual(createdSeen(onB));
  });
  it('F2 one node SIGKILLed mid-load behind nginx: its ws-client clients resume on the others, every op is acked once, nothing acked is lost and every client converges', async () => {
    const { databaseUrl, redisUrl } = await engines.freshCluster();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
    const nodes = await Promise.all(
      [0, 1, 2].map((i) => spawnServer(tempDataDir(), { env: { ...env, NODE_ID: `node-${i}` } })),
    );
    const proxy = await startNginx((port, prefix) =>
      deployNginxConfig(
        port,
        prefix,
        nodes.map((node) => node.origin),
      ),
    );
    onTestCleanup(() => proxy.stop());
    const gaps: string[] = [];
    const boards = Array.from({ length: 9 }, () => {
      const { client, opened } = connectWsClient(proxy.origin);
      const channel = client.channel('board', { query: { board_id: 'killed' } });
      const seen = { board: null as Board | null, seq: 0 };
      channel.on('snapshot', (message) =>
        Object.assign(seen, { board: message.data, seq: message.seq }),
      );
      channel.onMessage((message) => {
        const event = parse(boardEventSchema, message);
        if (!event.ok || !seen.board) return;
        if (event.value.seq !== seen.seq + 1) gaps.push(`${seen.seq} -> ${event.value.seq}`);
        Object.assign(seen, {
          board: applyBoardEvent(seen.board, event.value),
          seq: event.value.seq,
        });
      });
      return { channel, seen, opened };
    });
    await vi.waitFor(() => expect(boards.every(({ seen }) => seen.board)).toBe(true), {
      timeout: 15_000,
    });
    const ops = boards.flatMap(({ channel }, c) =>
      Array.from({ length: 12 }, (_, i) => ({ channel, id: `k${c}-${i}` })),
    );
    let acked = 0;
    const acks = ops.map(({ channel, id }, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 15)).then(() =>
        channel
          .request(
            { type: 'card.create', op_id: id, card_id: id, column_id: 'backlog', title: id },
            { timeoutMs: 30_000 },
          )
          .then((ack) => ((acked += 1), ack)),
      ),
    );
    await vi.waitFor(() => expect(acked).toBeGreaterThan(ops.length / 4), { timeout: 15_000 });
    nodes[1]?.process.kill('SIGKILL');
    const answers = await Promise.all(acks);
    expect(new Set(answers.map((ack) => ack.seq)).size).toBe(ops.length);
    const ids = ops.map((op) => op.id).sort();
    await vi.waitFor(
      () => {
        for (const { seen } of boards)
          expect(seen.board?.cards.map((card) => card.id).sort()).toEqual(ids);
      },
      { timeout: 15_000 },
    );
    expect(gaps).toEqual([]);
    // The killed node's clients reconnected (through nginx, to the others) and resumed.
    expect(boards.filter(({ opened }) => opened.length > 1).length).toBeGreaterThan(0);
    const stored = (await rawRequest(proxy, '/api/boards/killed')).json as { board: Board };
    for (const { seen } of boards) expect(seen.board?.cards).toEqual(stored.board.cards);
  }, 90_000);
});
