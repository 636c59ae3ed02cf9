import { describe, expect, it } from 'vitest';
import { startRedis } from '../test-utils/engines/startRedis.js';
import { onTestCleanup } from '../test-utils/index.js';
import { createRedisConnections } from './createRedisConnections.js';

describe('Redis connections', () => {
  it('each connection is PINGed once as it starts: two PINGs in all once they are ready', async () => {
    const redis = await startRedis();
    onTestCleanup(() => redis.stop());
    const connections = createRedisConnections({
      url: redis.url,
      // No periodic PING comes by during the test.
      deadlines: { replyMs: 2_000, pingIntervalMs: 60_000 },
      onOutage: () => undefined,
      onRecovered: () => undefined,
    });
    onTestCleanup(() => connections.close());
    await connections.ready;
    const stats = await connections.commands.info('commandstats');
    expect(/cmdstat_ping:calls=(\d+)/.exec(stats)?.[1]).toBe('2');
  });
});
