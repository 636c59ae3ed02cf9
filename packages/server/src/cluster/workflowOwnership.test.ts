import { join } from 'node:path';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { onTestCleanup, rawRequest, startTestServer, tempDataDir } from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import type { Stage } from '../domains/workflow/Stage.js';
import {
  expectResumedInShots,
  isRunEvent,
  recordWorkflow,
  stageCalls,
  waitForStatus,
  type LoggedMessage,
} from '../test-utils/workflows.js';

const IDEA = 'A robot learns to paint. It paints the sea. The sea paints it back.';

const engines = useClusterEngines('ownership');

/** Two real nodes on a fresh database and the file's Redis, counting their stage calls in one file. */
async function twoNodes() {
  const dataDir = tempDataDir();
  const calls = join(dataDir, 'stage-calls');
  const { databaseUrl, redisUrl } = await engines.freshCluster();
  const env = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    STAGE_DURATION_MS: '1000',
    STAGE_CALLS_FILE: calls,
    WORKFLOW_LEASE_MS: '1500',
  };
  const spawn = (node: string) =>
    spawnServer(join(dataDir, node), {
      entry: 'src/test-utils/countingStagesMain.ts',
      env: { ...env, NODE_ID: node },
    });
  const [a, b] = await Promise.all([spawn('node-a'), spawn('node-b')]);
  return { a, b, calls };
}

const inStage = (stage: string) => (m: LoggedMessage) =>
  m.type === 'stage.progress' && m.stage === stage;

describe('workflow runs owned by one node of a cluster', () => {
  it('WL4 W4 a run started on node A is watched live from node B, and when A is SIGKILLed B takes it over: completed stages are not run again, and the watcher log has no gap or duplicate', async () => {
    const { a, b, calls } = await twoNodes();
    const onB = recordWorkflow(b.origin, 'run');
    await vi.waitFor(() => expect(onB.map((m) => m.type)).toEqual(['snapshot']));
    await rawRequest(a, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    // Watched live: A's progress in the third stage reaches B's client while A runs it.
    await vi.waitFor(() => expect(onB.some(inStage('shots'))).toBe(true), { timeout: 15_000 });
    expect((await rawRequest(b, '/api/workflows/run')).json).toMatchObject({
      workflow: { status: 'running' },
    });

    a.process.kill('SIGKILL');
    await a.exited;
    await waitForStatus(b, 'run', 'completed', 30_000);
    await vi.waitFor(() => expect(onB.at(-1)?.type).toBe('workflow.completed'));

    expectResumedInShots(onB, calls, 'run');
    expect(onB.filter((m) => !isRunEvent(m)).map((m) => m.type)).toEqual(['snapshot']);
    expect(b.output()).not.toMatch(/workflow\.lease_lost/);
  }, 90_000);

  it('WL2 WL3 an owner paused past its lease finds its run taken over: its writes are refused, so every stage completes once and the log stays in order', async () => {
    const { a, b, calls } = await twoNodes();
    const onB = recordWorkflow(b.origin, 'run');
    await vi.waitFor(() => expect(onB.map((m) => m.type)).toEqual(['snapshot']));
    await rawRequest(a, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    await vi.waitFor(() => expect(onB.some(inStage('storyboard'))).toBe(true), {
      timeout: 15_000,
    });

    a.process.kill('SIGSTOP');
    await vi.waitFor(() => expect(onB.some((m) => m.type === 'workflow.resumed')).toBe(true), {
      timeout: 15_000,
    });
    a.process.kill('SIGCONT');
    await vi.waitFor(() => expect(a.output()).toMatch(/workflow\.lease_lost/), { timeout: 10_000 });
    await waitForStatus(b, 'run', 'completed', 30_000);
    await vi.waitFor(() => expect(onB.at(-1)?.type).toBe('workflow.completed'));

    const events = onB.filter(isRunEvent);
    expect(events.map((m) => m.seq)).toEqual(events.map((_, i) => i + 1));
    const completed = events.filter((m) => m.type === 'stage.completed').map((m) => m.stage);
    expect(completed).toEqual(['script', 'storyboard', 'shots', 'audio', 'edit']);
    // After the takeover only B's run of the stage reports progress: it starts again from 0 and
    // only grows (a refused write of A's older run would come in between).
    const resumedAt = events.findIndex((m) => m.type === 'workflow.resumed');
    const progress = events
      .slice(resumedAt)
      .filter(inStage('storyboard'))
      .map((m) => m.progress ?? -1);
    expect(progress).toEqual([...progress].sort((x, y) => x - y));
    expect(stageCalls(calls, 'run')).toMatchObject({ script: 1, storyboard: 2, shots: 1 });
    expect((await rawRequest(a, '/api/workflows/run')).json).toMatchObject({
      workflow: { status: 'completed' },
    });
  }, 90_000);

  it('WL1 W1 a start whose events PostgreSQL refused after its node took the lease leaves the id free: a retry on another node within the lease time is 201, not 409', async () => {
    const cluster = await engines.freshCluster();
    const [a, b] = await Promise.all([
      startTestServer({ ...cluster, nodeId: 'node-a' }),
      startTestServer({ ...cluster, nodeId: 'node-b' }),
    ]);
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    onTestCleanup(() => db.end());
    const refuse = async (sql: string) => void (await db.query(sql));
    // An injected failure: PostgreSQL refuses the run's events, as a full disk would.
    await refuse(`CREATE FUNCTION refuse_flaky() RETURNS trigger LANGUAGE plpgsql
      AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`);
    await refuse(`CREATE TRIGGER refuse_flaky BEFORE INSERT ON room_events FOR EACH ROW
      WHEN (NEW.room = 'workflow:flaky') EXECUTE FUNCTION refuse_flaky()`);
    const body = { id: 'flaky', mode: 'idea', input: IDEA };
    expect((await rawRequest(a, '/api/workflows', { body })).status).toBe(503);
    await refuse('DROP TRIGGER refuse_flaky ON room_events');

    expect((await rawRequest(b, '/api/workflows/flaky')).status).toBe(404);
    expect((await rawRequest(b, '/api/workflows', { body })).status).toBe(201);
  });

  it('WL4 W4 a node stopped cleanly (a deploy) hands its runs over: another node takes them at once, not a lease time later, and storage counts the handover, so the taking is no resume', async () => {
    const cluster = await engines.freshCluster();
    const never: Stage = { run: () => new Promise(() => undefined) };
    const a = await startTestServer({ ...cluster, nodeId: 'node-a', stages: { script: never } });
    await rawRequest(a, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    await waitForStatus(a, 'run', 'running');
    // B looks for lapsed leases every 100 ms; A's lease, unrenewed, would last 10 s more.
    const b = await startTestServer({
      ...cluster,
      nodeId: 'node-b',
      workflowLeaseMs: 300,
      stages: { script: never },
    });
    const db = new pg.Client({ connectionString: cluster.databaseUrl });
    await db.connect();
    onTestCleanup(() => db.end());
    const lease = async () =>
      (
        await db.query<Record<string, string>>(
          'SELECT owner, token, handovers FROM workflow_leases',
        )
      ).rows;

    await a.stop();

    const takenByB = [{ owner: 'node-b', token: '2', handovers: '1' }];
    await expect.poll(lease, { timeout: 5_000, interval: 20 }).toEqual(takenByB);
    expect((await rawRequest(b, '/api/workflows/run')).json).toMatchObject({
      workflow: { status: 'running' },
    });
  });
});
