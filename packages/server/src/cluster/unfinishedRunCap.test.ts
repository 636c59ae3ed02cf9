import { describe, expect, it } from 'vitest';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { rawRequest, startTestServer } from '../test-utils/index.js';
import { heldStage, waitForStatus } from '../test-utils/workflows.js';

const IDEA = 'A robot learns to paint. It paints the sea. The sea paints it back.';

const engines = useClusterEngines('unfinished_run_cap');

const startRun = async (server: { origin: string }, id: string) =>
  (await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: IDEA, id } })).status;

describe('the cap on unfinished runs in cluster mode', () => {
  it('W8 nodes on one PostgreSQL count the same runs: starts racing on a node store exactly maxUnfinishedRuns runs, and the other node then refuses a new one', async () => {
    const cluster = await engines.freshCluster();
    const { stage: script } = heldStage('script');
    const settings = { ...cluster, maxUnfinishedRuns: 3, stages: { script } };
    const [a, b] = await Promise.all([startTestServer(settings), startTestServer(settings)]);
    const ids = Array.from({ length: 12 }, (_, i) => `race-${i}`);
    const statuses = await Promise.all(ids.map((id) => startRun(a, id)));
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 503)).toHaveLength(9);
    expect(await startRun(b, 'another')).toBe(503);
  });

  it('W8 WL4 runs a node takes over from a stopped owner are never refused, even past the cap; new starts are, until they end', async () => {
    const cluster = await engines.freshCluster();
    const leases = { ...cluster, workflowLeaseMs: 300 };
    const a = await startTestServer({
      ...leases,
      maxUnfinishedRuns: 5,
      stages: { script: heldStage('script').stage },
    });
    expect([await startRun(a, 'x'), await startRun(a, 'y')]).toEqual([201, 201]);
    await waitForStatus(a, 'x', 'running');
    const { stage: script, release } = heldStage('script');
    const b = await startTestServer({ ...leases, maxUnfinishedRuns: 1, stages: { script } });
    await a.stop();

    expect(await startRun(b, 'z')).toBe(503);
    release();
    await waitForStatus(b, 'x', 'completed', ACROSS.timeout);
    await waitForStatus(b, 'y', 'completed', ACROSS.timeout);
    expect(await startRun(b, 'z')).toBe(201);
  });
});
