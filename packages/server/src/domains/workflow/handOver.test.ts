import { describe, expect, it, vi } from 'vitest';
import type { Storage } from '../../storage/Storage.js';
import { createFailingStorage } from '../../test-utils/failingStorage.js';
import { rawRequest, startTestServer } from '../../test-utils/index.js';
import { waitForStatus } from '../../test-utils/workflows.js';
import type { Stage } from './Stage.js';

const IDEA = 'A kite escapes. It crosses the town. A child catches it at sunset.';
const HOUR_MS = 3_600_000;
const never: Stage = { run: () => new Promise(() => undefined) };

describe('a clean stop hands over every run the node holds', () => {
  it('WL2 WL4 a renewal in flight when the node stops cannot extend the lease it handed over: another node takes the run at once, with no resume counted', async () => {
    const inner = createFailingStorage();
    let handedOver = (): void => undefined;
    const afterHandover = new Promise<void>((resolve) => (handedOver = resolve));
    const renewals: Promise<unknown>[] = [];
    // The database runs the renewals this node sent last, after its handover (a pool reorders).
    const storage: Storage = {
      ...inner,
      renewLease: (...args) => {
        const renewal = afterHandover.then(() => inner.renewLease(...args));
        renewals.push(renewal);
        return renewal;
      },
      handOverLease: async (...args) => {
        await inner.handOverLease(...args);
        handedOver();
      },
    };
    // A renewal every second, each extending the lease by 3 s from when it was sent.
    const server = await startTestServer({
      storage,
      workflowLeaseMs: 3_000,
      stages: { script: never },
    });
    await rawRequest(server, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    await waitForStatus(server, 'run', 'running');
    await vi.waitFor(() => expect(renewals.length).toBeGreaterThan(0), { timeout: 5_000 });

    await server.stop();
    await Promise.all(renewals);

    expect(await inner.acquireLease('run', 'node-b', HOUR_MS, Date.now())).toMatchObject({
      token: 2,
      handovers: 1,
    });
  });
});
