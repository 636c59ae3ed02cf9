import { describe, expect, it, vi } from 'vitest';
import { PRESENCE_FLUSH_MS } from '../domains/board/createPresence.js';
import { REDIS_DEADLINES } from '../config/redisDeadlines.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  dataOf,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { startLaggingProxy } from '../test-utils/startLaggingProxy.js';
import { PRESENCE_EXPIRY_MS, PRESENCE_HEARTBEAT_MS } from './createRedisPresenceSlices.js';

const engines = useClusterEngines('presence');

/** A client on `board` of a node, once it has joined. */
const joinBoard = async (node: { origin: string }, board: string): Promise<TestClient> => {
  const client = await connectTestClient(wsOrigin(node, `/ws/connect?board_id=${board}`));
  await client.next('snapshot');
  return client;
};

/** The newest presence summary a client got. */
const lastPresence = (client: TestClient) =>
  dataOf(client.messages.filter((m) => m.type === 'presence').at(-1) ?? {}) as {
    count?: number;
    people?: { client_id: string; name: string }[];
  };

/** The first presence summary a client got, once it got one. */
const firstPresence = async (client: TestClient, within = ACROSS) =>
  vi.waitFor(() => {
    const first = client.messages.find((m) => m.type === 'presence');
    expect(first).toBeDefined();
    return dataOf(first ?? {});
  }, within);

/** Two people on `board` of a fresh node B, once B has written its slice. */
const twoOnNodeB = async (cluster: { databaseUrl: string; redisUrl: string }, board: string) => {
  const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
  const onB = [await joinBoard(b, board), await joinBoard(b, board)];
  await vi.waitFor(() => expect(lastPresence(onB[1]!)).toMatchObject({ count: 2 }), ACROSS);
};

const greetedId = (client: TestClient): string =>
  String(dataOf(client.messages.find((m) => m.event === 'connected') ?? {}).client_id);

describe('cluster mode: presence from per-node slices (PROTOCOL.md PS1, PS2, PS3)', () => {
  it('PS1 presence counts the people of every node: one on node A and two on node B are three, named, on both; when B’s two leave, A counts one', async () => {
    const cluster = await engines.freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const onA = await joinBoard(a, 'team');
    const onB = [await joinBoard(b, 'team'), await joinBoard(b, 'team')];
    const everyone = [onA, ...onB].map(greetedId).sort();
    for (const client of [onA, ...onB])
      await vi.waitFor(() => {
        const seen = lastPresence(client);
        expect(seen.count).toBe(3);
        expect(seen.people?.map((p) => p.client_id).sort()).toEqual(everyone);
      }, ACROSS);
    for (const client of onB) client.ws.close();
    await vi.waitFor(() => expect(lastPresence(onA)).toMatchObject({ count: 1 }), ACROSS);
  });

  it('PS3 whoever opens a board new to its node is counted with the other nodes’ people in its first summary, not alone first', async () => {
    const cluster = await engines.freshCluster();
    await twoOnNodeB(cluster, 'team');
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const newcomer = await joinBoard(a, 'team');
    expect(await firstPresence(newcomer)).toMatchObject({ count: 3 });
  });

  it('PS3 the first person on a board no other node has people on is sent a summary once the read finds nobody else', async () => {
    const cluster = await engines.freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const alone = await joinBoard(a, 'team');
    expect(await firstPresence(alone)).toMatchObject({ count: 1 });
  });

  it('PS3 a node whose presence commands Redis does not answer sends a newcomer its own people within the reply deadline', async () => {
    const cluster = await engines.freshCluster();
    await twoOnNodeB(cluster, 'team');
    // Node A's presence commands (only those) reach Redis after their reply deadline has passed.
    const proxy = await startLaggingProxy(
      engines.redis.port,
      '{presence:',
      2 * REDIS_DEADLINES.replyMs,
    );
    const a = await startTestServer({
      ...cluster,
      redisUrl: `redis://127.0.0.1:${proxy.port}`,
      nodeId: 'node-a',
    });
    const newcomer = await joinBoard(a, 'team');
    const first = await firstPresence(newcomer, {
      timeout: REDIS_DEADLINES.replyMs + 500,
      interval: 20,
    });
    expect(first).toMatchObject({ count: 1 });
  });

  it('PS2 a node stopped cleanly takes its people away at once, well within the expiry', async () => {
    const cluster = await engines.freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const onA = await joinBoard(a, 'team');
    await joinBoard(b, 'team');
    await vi.waitFor(() => expect(lastPresence(onA)).toMatchObject({ count: 2 }), ACROSS);
    await b.stop();
    await vi.waitFor(() => expect(lastPresence(onA)).toMatchObject({ count: 1 }), {
      timeout: PRESENCE_EXPIRY_MS / 2,
    });
  });

  it(
    'PS2 after Redis is killed and restarted empty, every node writes its slice again and reads the others’: a node started afterwards counts everyone, and so do the first two',
    { timeout: 30_000 },
    async () => {
      const cluster = await engines.freshCluster();
      const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
      const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
      const onA = await joinBoard(a, 'team');
      const onB = await joinBoard(b, 'team');
      for (const client of [onA, onB])
        await vi.waitFor(() => expect(lastPresence(client)).toMatchObject({ count: 2 }), ACROSS);
      await engines.redis.restart();
      // Only slices written again to the new Redis reach a node that was not there before.
      const c = await startTestServer({ ...cluster, nodeId: 'node-c' });
      const onC = await joinBoard(c, 'team');
      for (const client of [onC, onA, onB])
        await vi.waitFor(() => expect(lastPresence(client)).toMatchObject({ count: 3 }), {
          timeout: 2 * PRESENCE_HEARTBEAT_MS + PRESENCE_FLUSH_MS + 1_000,
          interval: 50,
        });
    },
  );

  it(
    'PS2 the people of a SIGKILLed node disappear from the other nodes within the expiry plus one heartbeat',
    { timeout: 60_000 },
    async () => {
      const cluster = await engines.freshCluster();
      const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
      const doomed = await spawnServer(tempDataDir(), {
        env: {
          DATABASE_URL: cluster.databaseUrl,
          REDIS_URL: cluster.redisUrl,
          NODE_ID: 'doomed',
        },
      });
      const onA = await joinBoard(a, 'team');
      await joinBoard(doomed, 'team');
      await joinBoard(doomed, 'team');
      await vi.waitFor(() => expect(lastPresence(onA)).toMatchObject({ count: 3 }), ACROSS);
      doomed.process.kill('SIGKILL');
      await doomed.exited;
      // The slice's expiry, the heartbeat that reads the slices, and the summary's flush.
      await vi.waitFor(() => expect(lastPresence(onA)).toMatchObject({ count: 1 }), {
        timeout: PRESENCE_EXPIRY_MS + PRESENCE_HEARTBEAT_MS + PRESENCE_FLUSH_MS + 500,
        interval: 50,
      });
    },
  );
});
