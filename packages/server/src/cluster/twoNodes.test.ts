import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { boardSeenBy, createCard } from '../test-utils/boardClients.js';
import { deployNginxConfig } from '../test-utils/engines/deployNginxConfig.js';
import { startNginx } from '../test-utils/engines/startNginx.js';
import { startPostgres, type TestPostgres } from '../test-utils/engines/startPostgres.js';
import { startRedis, type TestRedis } from '../test-utils/engines/startRedis.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  wsOrigin,
} from '../test-utils/index.js';

let postgres: TestPostgres;
let redis: TestRedis;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterAll(() => Promise.all([postgres.stop(), redis.stop()]));

describe('cluster mode: nodes sharing PostgreSQL and Redis', () => {
  it('a board op on node A reaches a client of node B, and a client through nginx has it whichever node it lands on; /health names each node', async () => {
    const databaseUrl = await postgres.createDatabase('two_nodes');
    const cluster = { databaseUrl, redisUrl: redis.url };
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    for (const [node, name] of [
      [a, 'node-a'],
      [b, 'node-b'],
    ] as const)
      expect((await rawRequest(node, '/health')).json).toMatchObject({
        status: 'healthy',
        database: 'connected',
        node: name,
        mode: 'cluster',
        broker: 'connected',
        broker_error: null,
      });
    const onA = await connectTestClient(wsOrigin(a, '/ws/connect?board_id=shared'));
    const onB = await connectTestClient(wsOrigin(b, '/ws/connect?board_id=shared'));
    await onA.next('snapshot');
    await onB.next('snapshot');
    createCard(onA, 'c1', 'written on A');
    const seenOnB = await onB.next('card.created');
    expect(dataOf(seenOnB).card).toMatchObject({ id: 'c1', title: 'written on A' });

    const nginx = await startNginx((port, prefix) =>
      deployNginxConfig(port, prefix, [a.origin, b.origin]),
    );
    onTestCleanup(() => nginx.stop());
    // Whichever node nginx picks, the client's board (its snapshot, which may lag that node's
    // copy, and the events the join sends after it) has the card.
    for (let i = 0; i < 2; i += 1) {
      const viaNginx = await connectTestClient(wsOrigin(nginx, '/ws/connect?board_id=shared'));
      await viaNginx.next('snapshot');
      await vi.waitFor(() =>
        expect(boardSeenBy(viaNginx).board.cards.map((card) => card.id)).toEqual(['c1']),
      );
    }
  });
});
