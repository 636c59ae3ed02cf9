import { startPostgres, type TestPostgres } from './startPostgres.js';
import { startRedis, type TestRedis } from './startRedis.js';

/** How {@link startPostgresAndRedis} starts each engine (a test injects a failing one). */
export interface EngineStarters {
  readonly postgres: () => Promise<TestPostgres>;
  readonly redis: () => Promise<TestRedis>;
}

/**
 * Starts a PostgreSQL and a Redis side by side. When one cannot start (say `redis-server` is not
 * installed), the other is stopped before the failure is thrown: nothing is left running that no
 * `afterAll` knows of.
 */
export async function startPostgresAndRedis(
  start: EngineStarters = { postgres: startPostgres, redis: startRedis },
): Promise<[TestPostgres, TestRedis]> {
  const [postgres, redis] = await Promise.allSettled([start.postgres(), start.redis()]);
  if (postgres.status === 'fulfilled' && redis.status === 'fulfilled')
    return [postgres.value, redis.value];
  for (const engine of [postgres, redis])
    if (engine.status === 'fulfilled') await engine.value.stop();
  throw postgres.status === 'rejected' ? postgres.reason : (redis as PromiseRejectedResult).reason;
}
