import { describe, expect, it, vi } from 'vitest';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { METRICS_EXPIRY_MS, METRICS_HEARTBEAT_MS } from './createRedisMetricsSlices.js';

const engines = useClusterEngines('metrics');
/** Fast metrics, so that agreement shows within a few ticks. */
const METRICS_RATE_HZ = 20;

/** The newest `data` of a client's messages of `type`. */
const newest = (client: TestClient, type: string) =>
  dataOf(client.messages.filter((m) => m.type === type).at(-1) ?? {}) as {
    connected_clients?: number;
    completed_last_minute?: number;
    agents?: { busy: number; idle: number; error: number };
    workflows?: Record<string, number>;
    status?: string;
    workflow_id?: string | null;
  };

const startRun = async (node: { origin: string }, id: string): Promise<void> => {
  const res = await rawRequest(node, '/api/workflows', {
    body: { mode: 'idea', input: 'a lighthouse keeper befriends a storm', id },
  });
  expect(res.status).toBe(201);
};

describe('cluster mode: coordinator metrics from per-node slices (PROTOCOL.md CM1, CM2)', () => {
  it('CM1 clients of two nodes see the same metrics: every node’s clients, an agent busy on A (also in /ws/agent on B), completions of runs finished on either node, and the stored runs’ counts (a run of A completed counts on B, which never watched it)', async () => {
    const cluster = await engines.freshCluster();
    const options = { ...cluster, metricsRateHz: METRICS_RATE_HZ };
    const a = await startTestServer({ ...options, nodeId: 'node-a', stageDurationMs: 800 });
    const b = await startTestServer({ ...options, nodeId: 'node-b' });
    const onA = await connectTestClient(wsOrigin(a, '/ws/coordinator'));
    const onB = await connectTestClient(wsOrigin(b, '/ws/coordinator'));
    const screenwriterOnB = await connectTestClient(wsOrigin(b, '/ws/agent/screenwriter'));
    const both = (check: (seen: ReturnType<typeof newest>) => void) =>
      vi.waitFor(() => {
        check(newest(onA, 'metrics'));
        check(newest(onB, 'metrics'));
      }, ACROSS);

    await both((seen) => expect(seen).toMatchObject({ connected_clients: 3 }));
    await startRun(b, 'fast-on-b');
    await both((seen) =>
      expect(seen).toMatchObject({ completed_last_minute: 1, workflows: { completed: 1 } }),
    );

    await startRun(a, 'slow-on-a');
    await both((seen) => {
      expect(seen.agents).toMatchObject({ busy: 1 });
      expect(seen.workflows).toMatchObject({ active: 1, completed: 1 });
    });
    await vi.waitFor(
      () =>
        expect(newest(screenwriterOnB, 'agent_status')).toMatchObject({
          status: 'working',
          workflow_id: 'slow-on-a',
        }),
      ACROSS,
    );
    await vi.waitFor(
      () => {
        for (const client of [onA, onB])
          expect(newest(client, 'metrics')).toMatchObject({
            completed_last_minute: 2,
            agents: { busy: 0 },
            workflows: { active: 0, queued: 0, completed: 2, failed: 0, cancelled: 0 },
          });
      },
      { timeout: 10_000 },
    );
    expect(newest(screenwriterOnB, 'agent_status')).toMatchObject({ status: 'idle' });
  });

  it(
    'CM2 while Redis is away the metrics keep ticking and fall back to the node’s own slice within the expiry; once Redis is back (restarted empty) they count every node again',
    { timeout: 30_000 },
    async () => {
      const cluster = await engines.freshCluster();
      const options = { ...cluster, metricsRateHz: METRICS_RATE_HZ };
      const a = await startTestServer({ ...options, nodeId: 'node-a' });
      const b = await startTestServer({ ...options, nodeId: 'node-b' });
      const onA = await connectTestClient(wsOrigin(a, '/ws/coordinator'));
      await connectTestClient(wsOrigin(b, '/ws/coordinator'));
      await connectTestClient(wsOrigin(b, '/ws/coordinator'));
      await vi.waitFor(
        () => expect(newest(onA, 'metrics')).toMatchObject({ connected_clients: 3 }),
        ACROSS,
      );
      await engines.redis.restart(async () => {
        await vi.waitFor(
          () => expect(newest(onA, 'metrics')).toMatchObject({ connected_clients: 1 }),
          { timeout: METRICS_EXPIRY_MS + METRICS_HEARTBEAT_MS + 1_000, interval: 50 },
        );
        const ticks = onA.messages.length;
        await vi.waitFor(() => expect(onA.messages.length).toBeGreaterThan(ticks + 3), ACROSS);
      });
      await vi.waitFor(
        () => expect(newest(onA, 'metrics')).toMatchObject({ connected_clients: 3 }),
        ACROSS,
      );
    },
  );

  it(
    'CM2 a SIGKILLed node’s clients leave the other nodes’ metrics within the expiry plus one heartbeat',
    { timeout: 30_000 },
    async () => {
      const cluster = await engines.freshCluster();
      const a = await startTestServer({
        ...cluster,
        nodeId: 'node-a',
        metricsRateHz: METRICS_RATE_HZ,
      });
      const doomed = await spawnServer(tempDataDir(), {
        env: { DATABASE_URL: cluster.databaseUrl, REDIS_URL: cluster.redisUrl, NODE_ID: 'doomed' },
      });
      const onA = await connectTestClient(wsOrigin(a, '/ws/coordinator'));
      await connectTestClient(wsOrigin(doomed, '/ws/coordinator'));
      await connectTestClient(wsOrigin(doomed, '/ws/coordinator'));
      await vi.waitFor(
        () => expect(newest(onA, 'metrics')).toMatchObject({ connected_clients: 3 }),
        ACROSS,
      );
      doomed.process.kill('SIGKILL');
      await doomed.exited;
      await vi.waitFor(
        () => expect(newest(onA, 'metrics')).toMatchObject({ connected_clients: 1 }),
        {
          timeout: METRICS_EXPIRY_MS + METRICS_HEARTBEAT_MS + 500,
          interval: 50,
        },
      );
    },
  );
});
