import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCard } from '../test-utils/boardClients.js';
import { startPostgres, type TestPostgres } from '../test-utils/engines/startPostgres.js';
import { startRedis, type TestRedis } from '../test-utils/engines/startRedis.js';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';

let postgres: TestPostgres;
let redis: TestRedis;
let databases = 0;
beforeAll(async () => {
  [postgres, redis] = await Promise.all([startPostgres(), startRedis()]);
});
afterAll(() => Promise.all([postgres.stop(), redis.stop()]));

/** Two nodes on a fresh database and the shared Redis, each with a client on board `board`. */
const twoNodes = async (board: string) => {
  databases += 1;
  const cluster = {
    databaseUrl: await postgres.createDatabase(`faults_${databases}`),
    redisUrl: redis.url,
  };
  const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
  const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
  const onA = await connectTestClient(wsOrigin(a, `/ws/connect?board_id=${board}`));
  const onB = await connectTestClient(wsOrigin(b, `/ws/connect?board_id=${board}`));
  await onA.next('snapshot');
  await onB.next('snapshot');
  return { a, b, onA, onB };
};

/** The card ids a client saw created, in the order it saw them. */
const createdSeen = (client: TestClient): string[] =>
  client.messages
    .filter((m) => m.type === 'card.created')
    .map((m) => (dataOf(m).card as { id: string }).id);

describe('cluster faults', () => {
  it('S2 PostgreSQL down: an op is refused unavailable and /health is degraded naming the database; back up, the retried op id is applied once on every node', async () => {
    const { a, onA, onB } = await twoNodes('pg-down');
    createCard(onA, 'before');
    await onB.next('card.created');
    await postgres.restart(async () => {
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
    await vi.waitFor(
      async () => {
        createCard(onA, 'during');
        await onA.next('ack', 1_000);
      },
      { timeout: 10_000 },
    );
    createCard(onA, 'during');
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['before', 'during']));
    expect(createdSeen(onA)).toEqual(['before', 'during']);
    expect((await rawRequest(a, '/health')).json).toMatchObject({ status: 'healthy' });
  });

  it('S2 Redis killed and restarted empty: /health is degraded naming the broker; afterwards ops flow between the nodes again, in one order', async () => {
    const { a, b, onA, onB } = await twoNodes('redis-down');
    createCard(onA, 'before');
    await onB.next('card.created');
    await redis.restart(async () => {
      await vi.waitFor(async () =>
        expect((await rawRequest(b, '/health')).json).toMatchObject({
          status: 'degraded',
          database: 'connected',
          broker: 'error',
          broker_error: expect.stringMatching(/^redis: /) as unknown,
        }),
      );
    });
    await vi.waitFor(
      async () =>
        expect((await rawRequest(a, '/health')).json).toMatchObject({ status: 'healthy' }),
      { timeout: 10_000 },
    );
    createCard(onB, 'from-b');
    createCard(onA, 'from-a');
    await vi.waitFor(() => expect(createdSeen(onA)).toHaveLength(3), { timeout: 5_000 });
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(createdSeen(onA)), { timeout: 5_000 });
    expect(createdSeen(onA)[0]).toBe('before');
  });
});
