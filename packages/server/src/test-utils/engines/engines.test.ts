import { request } from 'node:http';
import pg from 'pg';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { startNginx } from './startNginx.js';
import { startPostgres, type TestPostgres } from './startPostgres.js';
import { startPostgresAndRedis } from './startPostgresAndRedis.js';
import { startRedis } from './startRedis.js';

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('engines started by the tests', () => {
  it('redis: answers on its own port, restarts empty on the same port, is gone by PID after stop', async () => {
    const redis = await startRedis();
    try {
      const client = createClient({ url: redis.url });
      client.on('error', () => undefined);
      await client.connect();
      await client.set('k', 'v');
      const firstPid = redis.process.pid;
      await redis.restart();
      expect(isRunning(firstPid)).toBe(false);
      await client.ping();
      expect(await client.get('k')).toBeNull();
      client.destroy();
    } finally {
      await redis.stop();
    }
    expect(isRunning(redis.process.pid)).toBe(false);
  });

  it('postgres: a throwaway cluster run as postgres serves a fresh database, gone by PID after stop', async () => {
    const postgres = await startPostgres();
    try {
      const client = new pg.Client({ connectionString: await postgres.createDatabase('rule_db') });
      await client.connect();
      const { rows } = await client.query<{ db: string; fsync: string }>(
        "SELECT current_database() AS db, current_setting('fsync') AS fsync",
      );
      await client.end();
      expect(rows).toEqual([{ db: 'rule_db', fsync: 'off' }]);
    } finally {
      await postgres.stop();
    }
    expect(isRunning(postgres.process.pid)).toBe(false);
  });

  it('nginx: serves its own config on its own port, gone by PID after stop', async () => {
    const nginx = await startNginx(
      (port) => `events {}
http {
  access_log off;
  server { listen 127.0.0.1:${port}; location / { return 200 "nginx here"; } }
}`,
    );
    try {
      const body = await new Promise<string>((resolve, reject) => {
        request(nginx.origin, (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => (text += chunk.toString()));
          res.on('end', () => resolve(text));
        })
          .on('error', reject)
          .end();
      });
      expect(body).toBe('nginx here');
    } finally {
      await nginx.stop();
    }
    expect(isRunning(nginx.process.pid)).toBe(false);
  });
  it('postgres and redis together: when Redis cannot start, the PostgreSQL started beside it is stopped (gone by PID) and the failure is thrown', async () => {
    let started: TestPostgres | null = null;
    const failure = new Error('redis-server: cannot run (injected)');
    await expect(
      startPostgresAndRedis({
        postgres: async () => (started = await startPostgres()),
        redis: () => Promise.reject(failure),
      }),
    ).rejects.toBe(failure);
    expect(started).not.toBeNull();
    expect(isRunning((started as TestPostgres | null)?.process.pid ?? 0)).toBe(false);
  });
});
