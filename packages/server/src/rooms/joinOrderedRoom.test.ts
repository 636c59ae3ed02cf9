import { describe, expect, it, vi } from 'vitest';
import {
  JOIN_BEHIND_REASON,
  ROOM_DELETED_REASON,
  ROOM_MISSING_REASON,
} from '../routes/joinRooms.js';
import { STORAGE_UNAVAILABLE_REASON } from '../routes/outageFailure.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestMessage,
} from '../test-utils/index.js';
import { waitForStatus } from '../test-utils/workflows.js';
import { encodeTextFrame } from '../transport/wireFrame.js';
import type { Broker } from './Broker.js';
import { createMemoryBroker } from './createMemoryBroker.js';

const HOUR_MS = 3_600_000;
const IDEA =
  'A lighthouse keeper finds a map in a bottle. She sails into the storm. She finds home.';

/** A memory broker whose copy keeps no frame: every event's frame is over its bytes bound. */
const brokerKeepingNoFrame = (): Broker =>
  createMemoryBroker(
    { maxEvents: 1000, maxAgeMs: 600_000, maxBytes: 1 },
    Date.now,
    encodeTextFrame,
  );

describe('joining an ordered room', () => {
  it('R8 a snapshot that lags the copy by an event the copy no longer holds is taken again once the run applied it: the stream after it has no hole', async () => {
    const memory = brokerKeepingNoFrame();
    const room = 'workflow:lag';
    let answer = (): void => undefined;
    const late = new Promise<void>((resolve) => (answer = resolve));
    let rangeReads = 0;
    // Injected: the broker delivers the run's seq 3 at once but answers its publish late, so the
    // run applies it (and its snapshot includes it) only after a join read the copy's head.
    const broker: Broker = {
      ...memory,
      publish: async (name, position, frame, options) => {
        const result = await memory.publish(name, position, frame, options);
        if (name === room && position.seq === 3) await late;
        return result;
      },
      since: (name, afterSeq) => {
        if (name === room) rangeReads += 1;
        return memory.since(name, afterSeq);
      },
    };
    const server = await startTestServer({ broker });
    await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: IDEA, id: 'lag' } });
    await vi.waitFor(async () => expect((await memory.window(room))?.headSeq).toBe(3));
    const client = await connectTestClient(wsOrigin(server, '/ws/workflow/lag'));
    await vi.waitFor(() => expect(rangeReads).toBe(1));
    answer();
    await client.next('workflow.completed', 10_000);
    const [snapshot, ...events] = client.messages;
    const seqs = events.map((m: TestMessage) => m.seq);
    expect(seqs).toEqual(seqs.map((_, i) => Number(snapshot?.seq) + 1 + i));
    expect(snapshot).toMatchObject({ type: 'snapshot', seq: 3 });
  });

  it("R8 a join whose room's copy vanished without a deletion (as by a FLUSHALL) closes with 1013 and its own reason, not storage's, having sent nothing of the room", async () => {
    const memory = createMemoryBroker(
      { maxEvents: 1000, maxAgeMs: 600_000, maxBytes: 1 << 20 },
      Date.now,
      encodeTextFrame,
    );
    // Injected: the copy is gone when the join reads the window, and no run was deleted.
    const broker: Broker = {
      ...memory,
      window: (name) => (name === 'board:flushed' ? Promise.resolve(null) : memory.window(name)),
    };
    const server = await startTestServer({ broker });
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=flushed'));
    expect(await client.closed).toEqual({ code: 1013, reason: ROOM_MISSING_REASON });
    expect(client.messages).toEqual([expect.objectContaining({ event: 'connected' })]);
  });

  it("R8 a snapshot that lags the copy and cannot catch up closes the socket with 1013 and the join's own reason (not storage's), having sent nothing", async () => {
    const memory = brokerKeepingNoFrame();
    const room = 'workflow:stuck';
    // Injected: the copy claims an event storage never got, and holds none of the frames after
    // the run's snapshot, however often its state catches up.
    const broker: Broker = {
      ...memory,
      window: async (name) => {
        const window = await memory.window(name);
        return window && name === room ? { ...window, headSeq: window.headSeq + 1 } : window;
      },
      since: (name, afterSeq) =>
        name === room ? Promise.resolve({ held: false }) : memory.since(name, afterSeq),
    };
    const server = await startTestServer({ broker });
    const client = await connectTestClient(wsOrigin(server, '/ws/workflow/stuck'));
    expect(await client.closed).toEqual({ code: 1013, reason: JOIN_BEHIND_REASON });
    expect(JOIN_BEHIND_REASON).not.toBe(STORAGE_UNAVAILABLE_REASON);
    expect(client.messages).toEqual([]);
    expect(memory.subscriberCount(room)).toBe(0);
  });

  it("G3 a socket watching a run retention deleted is closed with 4409 and the deletion's reason as it is deleted, without waiting for the id to start again; joined again it gets the never-started snapshot, then the new run", async () => {
    const clock = createTestClock();
    const server = await startTestServer({
      now: clock.now,
      runRetentionMs: HOUR_MS,
      pruneIntervalMs: 5,
    });
    const start = (input: string) =>
      rawRequest(server, '/api/workflows', { body: { mode: 'idea', input, id: 'again' } });
    await start(IDEA);
    await waitForStatus(server, 'again', 'completed');
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/again'));
    const old = await watcher.next('snapshot');
    let closed: unknown = null;
    void watcher.closed.then((close) => (closed = close));
    clock.skip(2 * HOUR_MS);
    await vi.waitFor(() => expect(closed).toEqual({ code: 4409, reason: ROOM_DELETED_REASON }));
    expect((await rawRequest(server, '/api/workflows/again')).status).toBe(410);
    expect(watcher.messages).toEqual([old]);
    const rejoined = await connectTestClient(wsOrigin(server, '/ws/workflow/again'));
    const fresh = await rejoined.next('snapshot');
    expect(fresh).toMatchObject({ seq: 0, data: { workflow_id: 'again', workflow: null } });
    expect(fresh.epoch).not.toBe(old.epoch);
    expect((await start('A second run.')).status).toBe(201);
    const created = await rejoined.next('workflow.created');
    expect(dataOf(created).workflow).toMatchObject({ input: 'A second run.' });
  });

  it.each([
    { step: 'subscribed', resume: false },
    { step: 'window', resume: false },
    { step: 'since', resume: true },
  ] as const)(
    "G5 R8 retention deleting a run while a client joins it (during the join's $step) closes the client with 4409 and the deletion's reason, never leaves it waiting",
    async ({ step, resume }) => {
      const clock = createTestClock();
      const memory = createMemoryBroker(
        { maxEvents: 1000, maxAgeMs: 1000 * HOUR_MS, maxBytes: 1 << 20 },
        clock.now,
        encodeTextFrame,
      );
      const room = 'workflow:racy';
      /** Set once the run is done: the next subscription to its room is the client's join. */
      let armed = false;
      let joining = false;
      /** Injected interleaving: at the join's `step`, retention deletes the run before it goes on. */
      const race = async (at: string, name: string): Promise<void> => {
        if (!joining || at !== step || name !== room) return;
        joining = false;
        clock.skip(2 * HOUR_MS);
        await vi.waitFor(async () => expect(await memory.window(room)).toBeNull());
      };
      const broker: Broker = {
        ...memory,
        subscribe: (name, delivery, listener, dropped) => {
          if (name === room && armed) [armed, joining] = [false, true];
          return memory.subscribe(name, delivery, listener, dropped);
        },
        subscribed: (name) => race('subscribed', name),
        window: async (name) => (await race('window', name), memory.window(name)),
        since: async (name, afterSeq) => (await race('since', name), memory.since(name, afterSeq)),
      };
      const server = await startTestServer({
        broker,
        now: clock.now,
        runRetentionMs: HOUR_MS,
        pruneIntervalMs: 5,
      });
      await rawRequest(server, '/api/workflows', {
        body: { mode: 'idea', input: IDEA, id: 'racy' },
      });
      await waitForStatus(server, 'racy', 'completed');
      const { epoch, seq } = await memory.window(room).then((w) => ({
        epoch: w?.epoch ?? '',
        seq: (w?.headSeq ?? 2) - 2,
      }));

      armed = true;
      const query = resume ? `?epoch=${epoch}&seq=${seq}` : '';
      const client = await connectTestClient(wsOrigin(server, `/ws/workflow/racy${query}`));

      expect(await client.closed).toEqual({ code: 4409, reason: ROOM_DELETED_REASON });
      expect(client.messages).toEqual([]);
      expect((await rawRequest(server, '/api/workflows/racy')).status).toBe(410);
    },
  );
});
