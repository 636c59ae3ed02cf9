import { describe, expect, it, vi } from 'vitest';
import { StorageError } from '../errors.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import { createTestLiveline } from '../test-utils/index.js';
import type { Storage } from '../storage/Storage.js';

/** A read that answers, with a failure, only once `fail` is called. */
function heldRead() {
  let fail = (): void => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = () => reject(new StorageError('bad sector'));
  });
  failed.catch(() => undefined);
  return { read: () => failed, fail };
}

describe('a stop during the start', () => {
  it('S3 a node stopped while its first reads of storage are failing reads no more: neither the anchor load nor the runs restore is tried again after the stop', async () => {
    const inner = createFailingStorage();
    const anchor = heldRead();
    const runs = heldRead();
    let reads = 0;
    const storage: Storage = {
      ...inner,
      loadDocument: () => ((reads += 1), anchor.read()),
      listWorkflows: () => ((reads += 1), runs.read()),
    };
    const liveline = await createTestLiveline({ storage });
    await vi.waitFor(() => expect(reads).toBe(2));

    // The fake clock runs the retries' timers at once; the stop itself needs none of them.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const stopped = liveline.stop();
      // The transport's stop waits for its load's turn, so that load fails during the stop; the
      // runs' restore fails after it.
      anchor.fail();
      await vi.advanceTimersByTimeAsync(5_000);
      await stopped;
      runs.fail();
      await vi.advanceTimersByTimeAsync(10_000);
    } finally {
      vi.useRealTimers();
    }
    expect(reads).toBe(2);
  });

  it('S3 WL2 a cluster node stopped while it waits for its Redis never starts its domains: no restore, anchor load or lease look reads storage after the stop', async () => {
    const inner = createFailingStorage();
    let reads = 0;
    const counted = <T>(read: () => Promise<T>): Promise<T> => ((reads += 1), read());
    const storage: Storage = {
      ...inner,
      loadDocument: (...args) => counted(() => inner.loadDocument(...args)),
      loadVersioned: (...args) => counted(() => inner.loadVersioned(...args)),
      listWorkflows: (...args) => counted(() => inner.listWorkflows(...args)),
      lapsedLeases: (...args) => counted(() => inner.lapsedLeases(...args)),
    };
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // Nothing listens on port 1: the node waits its 2 s for Redis before it starts its domains.
      const liveline = await createTestLiveline({
        storage,
        databaseUrl: 'postgres://127.0.0.1:1/none',
        redisUrl: 'redis://127.0.0.1:1',
      });
      const stopped = liveline.stop();
      await vi.advanceTimersByTimeAsync(10_000);
      await stopped;
      await vi.advanceTimersByTimeAsync(10_000);
    } finally {
      vi.useRealTimers();
    }
    expect(reads).toBe(0);
  });
});
