import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { onTestCleanup, tempDataDir } from '../test-utils/index.js';
import { MINUTE_MS, PRUNE_POLICY, appendWithOps, storeRun } from '../test-utils/pruning.js';
import { PRUNE_BATCH_ROWS, createPruneLoop } from './createPruneLoop.js';
import { createSqliteStorage } from './createSqliteStorage.js';
import type { Storage, StorageStatus } from './Storage.js';

/** Counts turns of the event loop (one per check phase) until stopped. */
function turnCounter() {
  let turns = 0;
  let running = true;
  const spin = (): void => {
    turns += 1;
    if (running) setImmediate(spin);
  };
  setImmediate(spin);
  return { now: () => turns, stop: () => (running = false) };
}

/**
 * A prune loop every millisecond over `storage` whose status is `status()`, counting the passes
 * (by their prune batches) and the video sweeps, with the events it logged.
 */
function startWatchedLoop(storage: Storage, status: () => StorageStatus) {
  let passes = 0;
  let sweeps = 0;
  const logged: string[] = [];
  const loop = createPruneLoop({
    storage: {
      ...storage,
      status,
      prune: (...args) => ((passes += 1), storage.prune(...args)),
    },
    policy: PRUNE_POLICY,
    intervalMs: 1,
    now: () => 61 * MINUTE_MS,
    log: createLogger('info', (line) => logged.push(line)),
    onRunsDeleted: () => {},
    tell: () => Promise.resolve(),
    sweepFiles: () => Promise.resolve(void (sweeps += 1)),
  });
  onTestCleanup(() => loop.stop());
  return {
    passes: () => passes,
    sweeps: () => sweeps,
    events: () => logged.map((line) => (JSON.parse(line) as { event: string }).event),
  };
}

describe('the prune loop (a real SQLite storage)', () => {
  it('G4 a pass runs several batches per turn of the event loop and still yields, so it deletes a backlog faster than one batch per turn', async () => {
    const storage = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => storage.close());
    await appendWithOps(storage, 'board:a', 10_000, 0);
    const turns = turnCounter();
    onTestCleanup(turns.stop);
    const turnOfBatch: number[] = [];
    const counted: Pick<Storage, 'status' | 'prune' | 'untoldTombstones' | 'markTold'> = {
      ...storage,
      prune: (policy, now) => {
        turnOfBatch.push(turns.now());
        return storage.prune(policy, now);
      },
    };
    const logged: string[] = [];
    const loop = createPruneLoop({
      storage: counted,
      policy: { ...PRUNE_POLICY, batchRows: PRUNE_BATCH_ROWS },
      intervalMs: 1,
      now: () => 61 * MINUTE_MS,
      log: createLogger('info', (line) => logged.push(line)),
      onRunsDeleted: () => {},
      tell: () => Promise.resolve(),
    });
    onTestCleanup(() => loop.stop());

    await vi.waitFor(() => expect(logged).toHaveLength(1));
    const pass = JSON.parse(logged[0] ?? '') as { batches: number };
    // Later passes (every millisecond) find nothing and log nothing.
    const slices = new Set(turnOfBatch.slice(0, pass.batches)).size;
    expect(pass).toMatchObject({ event: 'retention.pruned', events: 10_000, ops: 10_000 });
    expect(pass.batches).toBeGreaterThanOrEqual(20_000 / PRUNE_BATCH_ROWS);
    expect(slices).toBeGreaterThan(1);
    expect(slices).toBeLessThanOrEqual(pass.batches / 2);
  });

  it('G5 a deletion that could not be told (the broker down) is told by a later pass once telling works, each run once; the failure is logged once', async () => {
    const storage = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => storage.close());
    await storeRun(storage, 'gone', 'completed', 0);
    let brokerUp = false;
    let reads = 0;
    const told: string[] = [];
    const logged: string[] = [];
    const loop = createPruneLoop({
      storage: {
        ...storage,
        untoldTombstones: (limit) => {
          reads += 1;
          return storage.untoldTombstones(limit);
        },
      },
      policy: PRUNE_POLICY,
      intervalMs: 1,
      now: () => 61 * MINUTE_MS,
      log: createLogger('info', (line) => logged.push(line)),
      onRunsDeleted: () => {},
      tell: (id) => {
        if (!brokerUp) return Promise.reject(new Error('redis: connection refused'));
        told.push(id);
        return Promise.resolve();
      },
    });
    onTestCleanup(() => loop.stop());
    const events = () => logged.map((line) => (JSON.parse(line) as { event: string }).event);

    /** Waits for `passes` more passes to read the untold deletions. */
    const passes = async (count: number) => {
      const until = reads + count;
      await vi.waitFor(() => expect(reads).toBeGreaterThanOrEqual(until));
    };

    await passes(4);
    brokerUp = true;
    await vi.waitFor(() => expect(told).toEqual(['gone']));
    await passes(4);

    expect(told).toEqual(['gone']);
    expect(await storage.untoldTombstones(10)).toEqual([]);
    expect(events().filter((event) => event.startsWith('retention.tell'))).toEqual([
      'retention.tell_failed',
      'retention.tell_recovered',
    ]);
  });

  it('G4 while storage is not ok the passes go on but sweep no video, and a pass that fails is logged once until one works again', async () => {
    const storage = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => storage.close());
    await storeRun(storage, 'old', 'completed', 0);
    let pruneFails = true;
    let statusDown = true;
    const failing: Storage = {
      ...storage,
      prune: (...args) =>
        pruneFails ? Promise.reject(new Error('disk I/O error')) : storage.prune(...args),
    };
    const loop = startWatchedLoop(failing, () =>
      statusDown ? { ok: false, error: 'disk I/O error' } : storage.status(),
    );

    await vi.waitFor(() => expect(loop.passes()).toBeGreaterThanOrEqual(5));
    const failed = loop.events();
    // The passes work again while the status still says down (until storage's probe works).
    pruneFails = false;
    await vi.waitFor(() => expect(loop.events()).toContain('retention.recovered'));
    const passes = loop.passes();
    await vi.waitFor(() => expect(loop.passes()).toBeGreaterThanOrEqual(passes + 5));
    const sweptWhileDown = loop.sweeps();
    statusDown = false;
    await vi.waitFor(() => expect(loop.sweeps()).toBeGreaterThan(0));

    expect(failed).toEqual(['retention.failed']);
    expect(sweptWhileDown).toBe(0);
    expect(loop.events()).toEqual(['retention.failed', 'retention.pruned', 'retention.recovered']);
    expect(await storage.loadDocument('workflow', 'old')).toBeNull();
  });

  it('G4 on the stand-in of an unopenable database no pass sweeps a video, and the failing passes are logged once', async () => {
    const notADirectory = join(tempDataDir(), 'file');
    writeFileSync(notADirectory, 'not a directory');
    const storage = createSqliteStorage(join(notADirectory, 'data'), createLogger('silent'));
    onTestCleanup(() => storage.close());
    const loop = startWatchedLoop(storage, () => storage.status());

    await vi.waitFor(() => expect(loop.passes()).toBeGreaterThanOrEqual(5));

    expect(loop.sweeps()).toBe(0);
    expect(loop.events()).toEqual(['retention.failed']);
  });
});
