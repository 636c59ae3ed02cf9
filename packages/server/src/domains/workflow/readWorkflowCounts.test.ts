import { describe, expect, it } from 'vitest';
import { StorageError } from '../../errors.js';
import { createLogger } from '../../log/createLogger.js';
import { storeRun } from '../../test-utils/pruning.js';
import { onTestCleanup, tempDataDir } from '../../test-utils/index.js';
import { createSqliteStorage } from '../../storage/createSqliteStorage.js';
import { readWorkflowCounts } from './readWorkflowCounts.js';

describe('the stored runs’ counts of the metrics (PROTOCOL.md CM1)', () => {
  it('CM1 a failed read answers the last counts and logs once per outage (and once when it recovers); a read while one is in flight answers the last counts without a second query', async () => {
    const storage = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => storage.close());
    let down = false;
    let queries = 0;
    const lines: string[] = [];
    const read = readWorkflowCounts(
      {
        ...storage,
        countWorkflows: () => {
          queries += 1;
          return down ? Promise.reject(new StorageError('disk gone')) : storage.countWorkflows();
        },
      },
      createLogger('info', (line) => lines.push(line)),
    );
    await storeRun(storage, 'a', 'completed', 1);
    expect(await read()).toMatchObject({ completed: 1, running: 0 });

    down = true;
    await storeRun(storage, 'b', 'running', 1);
    expect(await read()).toMatchObject({ completed: 1, running: 0 });
    expect(await read()).toMatchObject({ completed: 1, running: 0 });
    expect(lines.map((line) => (JSON.parse(line) as { event: string }).event)).toEqual([
      'workflow.counts_failed',
    ]);

    down = false;
    const [first, second] = await Promise.all([read(), read()]);
    expect(first).toMatchObject({ completed: 1, running: 1 });
    expect(second).toMatchObject({ completed: 1, running: 0 });
    expect(queries).toBe(4);
    expect(lines.at(-1)).toContain('workflow.counts_recovered');
  });
});
