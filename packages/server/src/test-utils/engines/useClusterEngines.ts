import { afterAll, beforeAll } from 'vitest';
import type { TestPostgres } from './startPostgres.js';
import { startPostgresAndRedis } from './startPostgresAndRedis.js';
import type { TestRedis } from './startRedis.js';

/**
 * What a wait for a change to reach another node allows: vitest's 1 s default failed under CI load,
 * and this is a wait, not a bound under test (those keep their own timeouts).
 */
export const ACROSS = { timeout: 5_000, interval: 20 };

/** The engines of a cluster test file and the settings of nodes on them. */
export interface ClusterEngines {
  readonly postgres: TestPostgres;
  readonly redis: TestRedis;
  /** Settings of nodes sharing a fresh database (named `<name>_<n>`) and the file's Redis. */
  readonly freshCluster: () => Promise<{ databaseUrl: string; redisUrl: string }>;
}

/**
 * Starts a PostgreSQL and a Redis before the file's first test and stops them (by PID) after its
 * last; call it at the top of a test file.
 */
export function useClusterEngines(name: string): ClusterEngines {
  let engines: [TestPostgres, TestRedis] | null = null;
  let databases = 0;
  beforeAll(async () => {
    engines = await startPostgresAndRedis();
  });
  afterAll(() => Promise.all(engines?.map((engine) => engine.stop()) ?? []));
  const started = (): [TestPostgres, TestRedis] => {
    if (!engines) throw new Error('the cluster engines start before the first test');
    return engines;
  };
  return {
    get postgres() {
      return started()[0];
    },
    get redis() {
      return started()[1];
    },
    freshCluster: async () => {
      databases += 1;
      const [postgres, redis] = started();
      return {
        databaseUrl: await postgres.createDatabase(`${name}_${databases}`),
        redisUrl: redis.url,
      };
    },
  };
}
