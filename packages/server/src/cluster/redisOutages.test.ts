import { CLOCK_RATE_HZ, CloseCode } from '@liveline/protocol';
import { createClient } from 'redis';
import { describe, expect, it, vi } from 'vitest';
import { BROKER_UNAVAILABLE_REASON, ROOM_DELETED_REASON } from '../routes/joinRooms.js';
import {
  boardSeenBy,
  createCard,
  createdSeen,
  sendUntilAcked,
} from '../test-utils/boardClients.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';
import { finishedRunOnTwoNodes } from '../test-utils/finishedRunOnTwoNodes.js';
import { twoBoardNodes } from '../test-utils/twoBoardNodes.js';

const engines = useClusterEngines('redis_outages');

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

// Cluster nodes while Redis is killed, stopped, flushed or drops its subscribers (S2, S4, G5).
describe('cluster faults', () => {
  it('S2 S4 Redis killed for 2 s and restarted empty: writes are refused unavailable at once, a join is closed 1013 naming the broker, /health is degraded naming the broker, the clock keeps ticking; back up, the retried op is applied once and every client converges', async () => {
    const { a, b, onA, onB } = await twoBoardNodes(engines, 'redis-down');
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
      // Redis stays down for 2 s of clock ticks, which node B keeps sending meanwhile.
      const ticks = clock.messages.length;
      await vi.waitFor(
        () => expect(clock.messages.length).toBeGreaterThan(ticks + 2 * CLOCK_RATE_HZ),
        { timeout: 5_000 },
      );
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
    const { a, b, onA, onB } = await twoBoardNodes(engines, 'redis-stopped');
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

  it('FLUSHALL, then CLIENT KILL TYPE pubsub: nothing acked is lost, a join right after the flush is served, and every client converges in one order', async () => {
    const { a, b, onA, onB } = await twoBoardNodes(engines, 'flushed');
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
});
