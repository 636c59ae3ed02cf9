import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { onTestCleanup, tempDataDir } from '../test-utils/index.js';
import { DATABASE_FILE, createSqliteStorage } from './createSqliteStorage.js';

const open = (dir: string) => {
  const storage = createSqliteStorage(dir, createLogger('silent'));
  onTestCleanup(() => storage.close());
  return storage;
};

it('WL4 reopening the embedded database lapses the leases of the process before it, and keeps their tokens', async () => {
  const dir = tempDataDir();
  const first = open(dir);
  await first.acquireLease('r1', 'host-1', 60_000, 0);
  await first.close();
  const again = open(dir);
  expect(await again.lapsedLeases(1, 10)).toEqual(['r1']);
  expect(await again.acquireLease('r1', 'host-2', 60_000, 1)).toMatchObject({ token: 2 });
});

it('WL4 W4 a database whose leases predate handovers gets the column, its leases counted as never handed over', async () => {
  const dir = tempDataDir();
  const old = new Database(join(dir, DATABASE_FILE));
  old.exec(
    'CREATE TABLE workflow_leases (run_id TEXT PRIMARY KEY, owner TEXT NOT NULL, token INTEGER NOT NULL, expires_at REAL NOT NULL)',
  );
  old.prepare("INSERT INTO workflow_leases VALUES ('r1', 'host-1', 3, 0)").run();
  old.close();
  expect(await open(dir).acquireLease('r1', 'host-2', 60_000, 1)).toMatchObject({
    token: 4,
    handovers: 0,
  });
});
