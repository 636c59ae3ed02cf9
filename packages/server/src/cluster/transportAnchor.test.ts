import { createClient } from 'redis';
import { describe, expect, it, vi } from 'vitest';
import { createTransportDomain } from '../domains/transport/createTransportDomain.js';
import { ANCHOR_DOCUMENT } from '../domains/transport/AnchorReplica.js';
import { BrokerError, StorageError } from '../errors.js';
import { createLogger } from '../log/createLogger.js';
import { createMemoryBroker } from '../rooms/createMemoryBroker.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  onTestCleanup,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestClient,
  type TestMessage,
} from '../test-utils/index.js';
import { encodeTextFrame } from '../transport/wireFrame.js';
import { ANCHOR_CHECK_INTERVAL_MS, createClusterAnchor } from './createClusterAnchor.js';
import { createRedisLatestBus, type RedisLatestBus } from './createRedisLatestBus.js';

const engines = useClusterEngines('anchor');
const { freshCluster } = engines;

/** A client of a node's `/ws/transport/clock`, once it has a tick. */
const clockOf = async (node: { origin: string }): Promise<TestClient> => {
  const clock = await connectTestClient(wsOrigin(node, '/ws/transport/clock'));
  await clock.next((m) => 'playing' in m);
  return clock;
};

/** POSTs a transport command to a node and answers the state it committed. */
const command = async (node: { origin: string }, body: TestMessage): Promise<TestMessage> => {
  const reply = await rawRequest(node, '/api/transport', { body });
  expect(reply.status).toBe(200);
  return (reply.json?.state ?? {}) as TestMessage;
};

const ticks = (clock: TestClient, match: (tick: TestMessage) => boolean): TestMessage[] =>
  clock.messages.filter((m) => 'playing' in m && match(m));

/** A tick's position carried to `atMs` at real-time speed (the ticks compared are all playing). */
const positionAt = (tick: TestMessage, atMs: number): number =>
  Number(tick.time_seconds) + (atMs - Number(tick.timestamp_ms)) / 1000;

/** The largest gap, in ms, between what two nodes' clients see at the same instants. */
const largestDisagreementMs = (seenOnA: TestMessage[], seenOnB: TestMessage[]): number => {
  let worst = 0;
  for (const b of seenOnB) {
    const at = Number(b.timestamp_ms);
    const nearest = seenOnA.reduce((best, a) =>
      Math.abs(Number(a.timestamp_ms) - at) < Math.abs(Number(best.timestamp_ms) - at) ? a : best,
    );
    worst = Math.max(worst, Math.abs(positionAt(nearest, at) - Number(b.time_seconds)) * 1000);
  }
  return worst;
};

const silent = createLogger('silent');

/** A node's PostgreSQL storage, closed after the test. */
const storageOn = (databaseUrl: string) => {
  const storage = createPostgresStorage({ url: databaseUrl, log: silent });
  onTestCleanup(() => storage.close());
  return storage;
};

/** An admin connection to the file's Redis, closed after the test. */
const redisAdmin = async () => {
  const admin = createClient({ url: engines.redis.url });
  await admin.connect();
  onTestCleanup(() => admin.close());
  return admin;
};

/** The ids of the Redis connections that are subscribed: a subscription renewed gets a new id. */
const subscriberIds = async (admin: Awaited<ReturnType<typeof redisAdmin>>): Promise<number[]> =>
  (await admin.clientList({ TYPE: 'PUBSUB' })).map((client) => client.id);

/**
 * Node A built from its parts so that its Redis can lose a publish: the transport on the
 * cluster's anchor, whose first publish rejects (an injected failure) while Redis stays up.
 */
const nodeLosingOnePublish = async (cluster: { databaseUrl: string; redisUrl: string }) => {
  const bus = createRedisLatestBus({ url: cluster.redisUrl, log: silent });
  onTestCleanup(() => bus.close());
  let lost = 0;
  const lossy: RedisLatestBus = {
    ...bus,
    publish: (channel, message) => {
      if (lost > 0) return bus.publish(channel, message);
      lost += 1;
      return Promise.reject(new BrokerError('injected: the publish was lost'));
    },
  };
  // Node B runs beside it.
  const anchors = createClusterAnchor(storageOn(cluster.databaseUrl), lossy, silent, () => 1);
  const limits = { maxEvents: 100, maxAgeMs: 60_000, maxBytes: 1_000_000 };
  const transport = createTransportDomain({
    broker: createMemoryBroker(limits, Date.now, encodeTextFrame),
    anchors,
    log: silent,
    now: Date.now,
    clockRateHz: 30,
  });
  onTestCleanup(async () => {
    await transport.stop();
    anchors.close();
  });
  await bus.ready;
  await transport.start();
  return { transport, lostPublishes: () => lost };
};

describe('cluster mode: the transport anchor (PROTOCOL.md TA1, TA2, TA3)', () => {
  it('TA2 a command on node A reaches node B’s clock within 100 ms, and the positions clients of A and B see agree within 20 ms', async () => {
    const cluster = await freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const [onA, onB] = await Promise.all([clockOf(a), clockOf(b)]);
    await command(a, { type: 'seek', time_seconds: 3 });
    const committed = await command(a, { type: 'play' });
    const firstOnB = await onB.next((m) => m.playing === true);
    expect(Number(firstOnB.timestamp_ms) - Number(committed.timestamp_ms)).toBeLessThan(100);
    const playingFrom = Number(firstOnB.timestamp_ms);
    const playing = (m: TestMessage) => m.playing === true && Number(m.timestamp_ms) >= playingFrom;
    await vi.waitFor(() => {
      expect(ticks(onA, playing).length).toBeGreaterThanOrEqual(15);
      expect(ticks(onB, playing).length).toBeGreaterThanOrEqual(15);
    });
    expect(largestDisagreementMs(ticks(onA, playing), ticks(onB, playing))).toBeLessThan(20);
    expect(Number(ticks(onB, playing).at(-1)?.time_seconds)).toBeGreaterThan(3);
  });

  it('TA1 commands sent to two nodes at once end in one state on both, with every command’s effect', async () => {
    const cluster = await freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const [onA, onB] = await Promise.all([clockOf(a), clockOf(b)]);
    const rounds = 12;
    // A seeks and B changes the tempo, each node's commands one after another, both at once: a
    // tempo built on a stale anchor would undo a seek (the transport is paused, so the position
    // only moves by seeks).
    await Promise.all([
      (async () => {
        for (let i = 1; i <= rounds; i += 1) await command(a, { type: 'seek', time_seconds: i });
      })(),
      (async () => {
        for (let i = 1; i <= rounds; i += 1) await command(b, { type: 'tempo', bpm: 60 + i });
      })(),
    ]);
    const final = { playing: false, time_seconds: rounds, bpm: 60 + rounds };
    // The last command's publish reaches the other node just after its answer.
    for (const node of [a, b])
      await vi.waitFor(async () =>
        expect((await rawRequest(node, '/api/transport')).json).toMatchObject({ state: final }),
      );
    for (const clock of [onA, onB])
      await vi.waitFor(() => expect(clock.messages.at(-1)).toMatchObject(final));
  });

  it('C5 TA1 a command stored whose answer was lost is not applied again when sent again, after another node’s later command, and its op id is a duplicate on every node', async () => {
    const cluster = await freshCluster();
    const storage = storageOn(cluster.databaseUrl);
    let loseAnswer = true;
    const a = await startTestServer({
      ...cluster,
      nodeId: 'node-a',
      storage: {
        ...storage,
        // Injected: the first anchor swap is stored, but its answer never reaches node A.
        swapDocument: async (document, expected) => {
          const result = await storage.swapDocument(document, expected);
          if (document.kind !== ANCHOR_DOCUMENT.kind || !loseAnswer) return result;
          loseAnswer = false;
          throw new StorageError('injected: the answer was lost');
        },
      },
    });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const seekTo5 = { type: 'seek', time_seconds: 5, op_id: 'lost-answer' };
    expect((await rawRequest(a, '/api/transport', { body: seekTo5 })).status).toBe(503);
    await command(b, { type: 'seek', time_seconds: 7, op_id: 'later' });
    for (const node of [a, b]) {
      const again = await rawRequest(node, '/api/transport', { body: seekTo5 });
      expect([again.status, again.json]).toMatchObject([
        200,
        { state: { time_seconds: 7 }, duplicate: true },
      ]);
    }
  });

  it('TA2 a node stopping while another runs leaves the shared anchor as the last command stored it; the last node to stop stores where the transport is', async () => {
    const cluster = { ...(await freshCluster()), metricsRateHz: 20 };
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const onA = await connectTestClient(wsOrigin(a, '/ws/coordinator'));
    const onB = await connectTestClient(wsOrigin(b, '/ws/coordinator'));
    /** Waits until a node's coordinator metrics count `clients` sockets: the live nodes' (CM1). */
    const counts = (coordinator: TestClient, clients: number) =>
      vi.waitFor(() => {
        const metrics = coordinator.messages.filter((m) => m.type === 'metrics').at(-1);
        expect(metrics?.data).toMatchObject({ connected_clients: clients });
      }, ACROSS);
    await command(a, { type: 'seek', time_seconds: 5 });
    await command(a, { type: 'play' });
    const storage = storageOn(cluster.databaseUrl);
    const anchor = () => storage.loadVersioned(ANCHOR_DOCUMENT.kind, ANCHOR_DOCUMENT.id);
    const stored = await anchor();
    await counts(onA, 2);
    await a.stop();
    expect(await anchor()).toEqual(stored);

    await counts(onB, 1);
    const lastSeen = (await rawRequest(b, '/api/transport')).json?.state as TestMessage;
    await b.stop();
    const left = await anchor();
    expect(left.version).toBe(stored.version + 1);
    expect(left.value).toMatchObject({ playing: true });
    expect(Number((left.value as TestMessage).time_seconds)).toBeGreaterThan(
      Number(lastSeen.time_seconds),
    );
  });

  it('TA2 a node started again loads the anchor committed while it was down, and ticks with the others', async () => {
    const cluster = await freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    await command(b, { type: 'play' });
    await b.stop();
    await command(a, { type: 'tempo', bpm: 99 });
    await command(a, { type: 'seek', time_seconds: 40 });
    const again = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const [onA, onAgain] = await Promise.all([clockOf(a), clockOf(again)]);
    expect(onAgain.messages[0]).toMatchObject({ playing: true, bpm: 99 });
    await vi.waitFor(() =>
      expect(onA.messages.length + onAgain.messages.length).toBeGreaterThan(20),
    );
    const seenOnA = ticks(onA, () => true);
    const seenAgain = ticks(onAgain, () => true);
    expect(largestDisagreementMs(seenOnA, seenAgain)).toBeLessThan(20);
    expect(Number(seenAgain.at(-1)?.time_seconds)).toBeGreaterThanOrEqual(40);
  });

  it('TA2 without Redis a command is refused unavailable at once while the clock keeps ticking; once Redis is back commands reach every node again', async () => {
    const cluster = await freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const [onA, onB] = await Promise.all([clockOf(a), clockOf(b)]);
    await command(a, { type: 'play' });
    await engines.redis.restart(async () => {
      await vi.waitFor(async () =>
        expect((await rawRequest(a, '/health')).json).toMatchObject({ broker: 'error' }),
      );
      const started = performance.now();
      const refused = await rawRequest(a, '/api/transport', { body: { type: 'pause' } });
      expect(performance.now() - started).toBeLessThan(500);
      expect(refused.status).toBe(503);
      expect(refused.json).toMatchObject({ error: { code: 'unavailable' } });
      const from = onA.messages.length;
      await vi.waitFor(() =>
        expect(ticks(onA, (m) => m.playing === true).length - from).toBeGreaterThan(5),
      );
    });
    await vi.waitFor(
      async () => {
        const reply = await rawRequest(a, '/api/transport', { body: { type: 'tempo', bpm: 150 } });
        expect(reply.status).toBe(200);
      },
      { timeout: 10_000, interval: 100 },
    );
    await onB.next((m) => m.bpm === 150);
  });

  it('TA3 an anchor stored whose publish was lost is published again until Redis takes it: node B’s clock has it within 1.5 s, though B’s subscription never reconnected', async () => {
    const cluster = await freshCluster();
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const onB = await clockOf(b);
    const a = await nodeLosingOnePublish(cluster);
    const admin = await redisAdmin();
    const listener = admin.duplicate();
    await listener.connect();
    onTestCleanup(() => listener.close());
    const published: string[] = [];
    await listener.subscribe('liveline:transport:anchor', (message) => published.push(message));
    const subscribersBefore = await subscriberIds(admin);

    const started = performance.now();
    expect(await a.transport.command({ type: 'seek', time_seconds: 42 })).toMatchObject({
      ok: true,
    });
    expect(a.lostPublishes()).toBe(1);
    await onB.next((m) => m.time_seconds === 42, 3_500);
    // The name's bound as a literal: one read from the interval would follow a change to it.
    expect(performance.now() - started).toBeLessThan(1_500);
    // Redis took the anchor (B could also have read the row), and no subscription was renewed.
    await vi.waitFor(
      () =>
        expect(published.map((m) => JSON.parse(m) as unknown)).toContainEqual(
          expect.objectContaining({ version: 1 }),
        ),
      ACROSS,
    );
    expect(await subscriberIds(admin)).toEqual(expect.arrayContaining(subscribersBefore));
  });

  it('TA3 an anchor stored by a node that died before publishing reaches node B’s clock by B’s periodic check', async () => {
    const cluster = await freshCluster();
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    const onB = await clockOf(b);
    const subscribersBefore = await subscriberIds(await redisAdmin());
    // What the dead node did: the compare-and-set of its command, and nothing on Redis.
    const dead = storageOn(cluster.databaseUrl);
    const stored = await dead.loadVersioned(ANCHOR_DOCUMENT.kind, ANCHOR_DOCUMENT.id);
    const state = (await rawRequest(b, '/api/transport')).json?.state as TestMessage;
    const swapped = await dead.swapDocument(
      { ...ANCHOR_DOCUMENT, value: { ...state, time_seconds: 77, timestamp_ms: Date.now() } },
      stored.version,
    );
    expect(swapped).toEqual({ kind: 'ok' });
    await onB.next((m) => m.time_seconds === 77, ANCHOR_CHECK_INTERVAL_MS + 1_000);
    expect(await subscriberIds(await redisAdmin())).toEqual(
      expect.arrayContaining(subscribersBefore),
    );
  });
});
