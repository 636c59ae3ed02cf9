import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { startRedis, type TestRedis } from '../test-utils/engines/startRedis.js';
import { onTestCleanup } from '../test-utils/index.js';
import { createNodeSlices } from './createNodeSlices.js';
import { createRedisLatestBus, type RedisLatestBus } from './createRedisLatestBus.js';
import { KEEPALIVE_SCRIPT, SHARE_SCRIPT } from './sliceScripts.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

describe('per-node slices', () => {
  it('PS2 a slice found gone by the heartbeat is written again with the people shared last, not those it had when it asked', async () => {
    const raw = createClient({ url: redis.url });
    await raw.connect();
    onTestCleanup(() => raw.close());
    const inner = createRedisLatestBus({ url: redis.url, log: createLogger('silent') });
    onTestCleanup(() => inner.close());
    await inner.ready;
    /** The slice's loss (its expiry) and a share() while the heartbeat's KEEPALIVE is answered. */
    let loseNextKeepalive = false;
    let keepalivesAnswered = 0;
    const writes: Promise<unknown>[] = [];
    const bus: RedisLatestBus = {
      ...inner,
      async script(body, keys, args) {
        const sent = (): Promise<unknown> => inner.script(body, keys, args);
        if (body === SHARE_SCRIPT) {
          const write = sent();
          writes.push(write);
          return write;
        }
        if (body !== KEEPALIVE_SCRIPT) return sent();
        if (!loseNextKeepalive) return sent().finally(() => (keepalivesAnswered += 1));
        loseNextKeepalive = false;
        await raw.del(keys[0] ?? '');
        const answered = sent();
        slices.share(
          'board',
          new Map([
            ['c1', 'Ada'],
            ['c2', 'Grace'],
          ]),
        );
        return answered;
      },
    };
    const slices = createNodeSlices({
      bus,
      nodeId: 'n1',
      name: 'presence',
      expiryMs: 10_000,
      heartbeatMs: 20,
    });
    onTestCleanup(() => slices.close());
    slices.share('board', new Map([['c1', 'Ada']]));
    await vi.waitFor(() => expect(keepalivesAnswered).toBeGreaterThan(0));

    loseNextKeepalive = true;
    // The share() during that KEEPALIVE, then the heartbeat's own write after its answer 0.
    await vi.waitFor(() => expect(writes.length).toBeGreaterThanOrEqual(3));
    await Promise.all(writes);
    expect(await raw.hGetAll(bus.key('{presence:board}', 'node', 'n1'))).toEqual({
      c1: 'Ada',
      c2: 'Grace',
    });
  });
});
