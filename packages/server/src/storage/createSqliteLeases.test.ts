import { expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { onTestCleanup, tempDataDir } from '../test-utils/index.js';
import { createSqliteStorage } from './createSqliteStorage.js';

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
