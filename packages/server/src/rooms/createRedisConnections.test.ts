import { describe, expect, it, vi } from 'vitest';
import { startRedis } from '../test-utils/engines/startRedis.js';
import { onTestCleanup } from '../test-utils/index.js';
import { SHORT_DEADLINES } from '../test-utils/redisBrokerNodes.js';
import { connectRedisAdmin, subscribeStats } from '../test-utils/redisAdmin.js';
import { createRedisConnections } from './createRedisConnections.js';
import type { RedisDeadlines } from '../config/redisDeadlines.js';

/** A fresh Redis, a plain client of it, and the node's connections to it, closed after the test. */
const connect = async (deadlines: RedisDeadlines) => {
  const redis = await startRedis();
  onTestCleanup(() => redis.stop());
  const admin = await connectRedisAdmin(redis.url);
  const outages: unknown[] = [];
  const connections = createRedisConnections({
    url: redis.url,
    deadlines,
    onOutage: (error) => outages.push(error),
    onRecovered: () => undefined,
  });
  onTestCleanup(() => connections.close());
  await connections.ready;
  return { redis, admin, connections, outages };
};

describe('Redis connections', () => {
  it('each connection is PINGed once as it starts: two PINGs in all once they are ready', async () => {
    // No periodic PING comes by during the test.
    const { connections } = await connect({ replyMs: 2_000, pingIntervalMs: 60_000 });
    const stats = await connections.commands.info('commandstats');
    expect(/cmdstat_ping:calls=(\d+)/.exec(stats)?.[1]).toBe('2');
  });

  it('a SUBSCRIBE Redis answers BUSY (a script past its time limit) is sent again once Redis serves, not at once: it is confirmed then', async () => {
    const { redis, admin, connections, outages } = await connect(SHORT_DEADLINES);
    await admin.configSet('busy-reply-threshold', '10');
    const runner = await connectRedisAdmin(redis.url);
    const script = runner.eval('while true do end').catch((error: unknown) => error);
    await vi.waitFor(() => expect(outages).toHaveLength(1));
    const confirmed = connections.subscribe('busy', () => undefined);
    // Answered BUSY as well, after the SUBSCRIBE sent before it.
    await expect(admin.ping()).rejects.toThrow(/BUSY/);
    await admin.scriptKill();
    expect(String(await script)).toMatch(/killed/);
    await confirmed;
    expect(await subscribeStats(admin)).toEqual({ calls: 1, refused: 1 });
  });
});
