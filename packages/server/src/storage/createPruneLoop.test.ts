import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { onTestCleanup, tempDataDir } from '../test-utils/index.js';
import { MINUTE_MS, PRUNE_POLICY, appendWithOps } from '../test-utils/pruning.js';
import { PRUNE_BATCH_ROWS, createPruneLoop } from './createPruneLoop.js';
import { createSqliteStorage } from './createSqliteStorage.js';
import type { Storage } from './Storage.js';

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

describe('the prune loop (a real SQLite storage)', () => {
  it('G4 a pass runs several batches per turn of the event loop and still yields, so it deletes a backlog faster than one batch per turn', async () => {
    const storage = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => storage.close());
    await appendWithOps(storage, 'board:a', 10_000, 0);
    const turns = turnCounter();
    onTestCleanup(turns.stop);
    const turnOfBatch: number[] = [];
    const counted: Pick<Storage, 'prune'> = {
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
});
