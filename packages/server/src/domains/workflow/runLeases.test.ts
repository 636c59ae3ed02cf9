import { describe, expect, it, vi } from 'vitest';
import type { Storage } from '../../storage/Storage.js';
import { createFailingStorage, type FailingStorage } from '../../test-utils/failingStorage.js';
import {
  connectTestClient,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../../test-utils/index.js';
import {
  getWorkflow,
  heldStage,
  reportingStage,
  storageWithRuns,
  storedTypes,
  waitForStatus,
} from '../../test-utils/workflows.js';
import { RESUME_LIMIT } from './createTakeover.js';
import type { Stage } from './Stage.js';

const IDEA = 'A kite escapes. It crosses the town. A child catches it at sunset.';
const HOUR_MS = 3_600_000;
const never: Stage = { run: () => new Promise(() => undefined) };

/**
 * A server with 300 ms leases on a failing storage (which the server may see through `wrap`),
 * running run `run` in its held script stage.
 */
async function heldRun(wrap: (storage: FailingStorage) => Storage = (storage) => storage) {
  const storage = createFailingStorage();
  const { stage, release } = heldStage('script');
  const server = await startTestServer({
    storage: wrap(storage),
    workflowLeaseMs: 300,
    stages: { script: stage },
  });
  await rawRequest(server, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
  await waitForStatus(server, 'run', 'running');
  return { storage, server, release };
}

describe('a run is written only under the lease it runs with', () => {
  it('WL3 WL2 progress a run queued before another node took its lease is refused whole, not appended unfenced after the first refusal', async () => {
    // The server's real SQLite storage, which the test also writes to as another node.
    const storage = createFailingStorage();
    const { stage, running, aborted } = reportingStage();
    const server = await startTestServer({ storage, stages: { script: stage } });
    expect(
      (
        await rawRequest(server, '/api/workflows', {
          body: { id: 'run', mode: 'idea', input: IDEA },
        })
      ).status,
    ).toBe(201);
    const report = await running;

    // Node B takes the lease, as it would once A's lapsed (B's clock is past A's expiry).
    const taken = await storage.acquireLease('run', 'node-b', HOUR_MS, Date.now() + HOUR_MS);
    expect(taken).toMatchObject({ owner: 'node-b', token: 2 });
    for (const progress of [30, 40, 50, 60]) report(progress);
    await aborted;
    // A watcher's snapshot is taken in the room's turn, after every append queued before it.
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/run'));
    await watcher.next('snapshot');

    expect(await storedTypes(storage, 'run')).toEqual([
      'workflow.created',
      'workflow.queued',
      'workflow.started',
      'stage.started',
    ]);
  });

  it('W4 WL4 a takeover past the resume limit whose workflow.interrupted storage refused keeps the lease to lapse, so the run is ended once storage is back', async () => {
    const storage = createFailingStorage();
    const first = await startTestServer({ storage, stages: { script: never } });
    await rawRequest(first, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    await first.stop();
    // Nodes that took the run and died, each lease lapsed before the next taking.
    for (let taking = 1; taking <= RESUME_LIMIT; taking += 1)
      await storage.acquireLease('run', `dead-${taking}`, -HOUR_MS, Date.now() + HOUR_MS);

    storage.failWrites('disk full');
    const server = await startTestServer({
      storage,
      workflowLeaseMs: 300,
      stages: { script: never },
    });
    expect((await getWorkflow(server, 'run')).status).not.toBe('interrupted');
    storage.recover();

    await waitForStatus(server, 'run', 'interrupted');
  });

  it('WL2 W4 a restore held up past the lease time keeps renewing the leases it took already, so another node cannot take those runs meanwhile', async () => {
    const inner = await storageWithRuns(['one', 'two']);
    let open = (): void => undefined;
    const held = new Promise<void>((resolve) => (open = resolve));
    const taken: { id: string; expiresAt: number }[] = [];
    const renewed: string[] = [];
    // The database is slow to answer every taking but the first.
    const storage: Storage = {
      ...inner,
      acquireLease: async (id, owner, ttlMs, now) => {
        taken.push({ id, expiresAt: now + ttlMs });
        if (taken.length > 1) await held;
        return inner.acquireLease(id, owner, ttlMs, now);
      },
      renewLease: (lease, ...args) => (renewed.push(lease.runId), inner.renewLease(lease, ...args)),
    };

    const starting = startTestServer({ storage, workflowLeaseMs: 300, stages: { script: never } });
    const early = await vi.waitFor(() => taken[0] ?? Promise.reject(new Error('none taken')));
    const renewals = () => renewed.filter((id) => id === early.id).length;
    await vi.waitFor(() => expect(renewals()).toBeGreaterThan(3), { timeout: 5_000 });
    // Node B, once the first lease would have lapsed unrenewed.
    expect(await inner.acquireLease(early.id, 'node-b', 300, early.expiresAt)).toBeNull();
    open();
    await starting;
  });

  it('S3 W4 WL4 a run whose events and end storage refused lets its lease lapse instead of renewing it, so it is taken over and completes once storage is back', async () => {
    // Storage is back when the run is taken again after its writes failed: only a lease that
    // lapsed can be. Counted from the failure on, so a lease a loaded machine let lapse before it
    // (300 ms leases) neither recovers storage early nor counts.
    let failing = false;
    let takings = 0;
    const { storage, server, release } = await heldRun((wrapped) => ({
      ...wrapped,
      acquireLease: (...args) => {
        if (args[0] === 'run' && failing) {
          takings += 1;
          wrapped.recover();
        }
        return wrapped.acquireLease(...args);
      },
    }));

    storage.failWrites('disk full');
    failing = true;
    release();

    await waitForStatus(server, 'run', 'completed');
    expect(takings).toBeGreaterThan(0);
  });

  it('WL1 W1 W4 a start whose first event was stored though storage failed after the commit (503) leaves the run a lease to take over: it is 409 to a retry and completes without a restart', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage, workflowLeaseMs: 300 });
    const body = { id: 'run', mode: 'idea', input: IDEA };
    storage.loseAppendReplies('connection lost after COMMIT');
    expect((await rawRequest(server, '/api/workflows', { body })).status).toBe(503);
    storage.recover();

    expect((await rawRequest(server, '/api/workflows', { body })).status).toBe(409);
    await waitForStatus(server, 'run', 'completed');
  });

  it("S3 W4 a cancel storage refused on the run's owner is 503 and does not happen: the run goes on and completes", async () => {
    const { storage, server, release } = await heldRun();

    storage.failWrites('disk full');
    const cancel = await rawRequest(server, '/api/workflows/run/cancel', { method: 'POST' });
    expect(cancel.status).toBe(503);
    storage.recover();
    release();

    await waitForStatus(server, 'run', 'completed');
  });

  it(`W4 WL4 a clean stop hands its runs over: a run stopped ${RESUME_LIMIT + 1} times (deploys) is resumed each time, not interrupted, and completes`, async () => {
    const dataDir = tempDataDir();
    const start = (stages: Partial<Record<'script', Stage>>) =>
      startTestServer({ dataDir, stages });
    const first = await start({ script: never });
    await rawRequest(first, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    await waitForStatus(first, 'run', 'running');
    await first.stop();
    for (let deploy = 1; deploy <= RESUME_LIMIT; deploy += 1) {
      const server = await start({ script: never });
      expect((await getWorkflow(server, 'run')).status).toBe('running');
      await server.stop();
    }

    const last = await start({});
    await waitForStatus(last, 'run', 'completed');
  });
});
