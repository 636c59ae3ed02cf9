import { describe, expect, it, vi } from 'vitest';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestClient,
  type TestMessage,
} from '../test-utils/index.js';

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

describe('cluster mode: the transport anchor (PROTOCOL.md TA1, TA2)', () => {
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
});
