import { DEFAULT_BOARD_ID } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { BrokerError } from '../errors.js';
import { createLogger } from '../log/createLogger.js';
import type { Broker } from '../rooms/Broker.js';
import { createMemoryBroker } from '../rooms/createMemoryBroker.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import {
  connectTestClient,
  createCardOverHttp,
  dataOf,
  rawRequest,
  onTestCleanup,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestClient,
  type TestMessage,
} from '../test-utils/index.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';

/** The message a client received right after the first one of `type`. */
const after = (client: TestClient, type: string): TestMessage | undefined =>
  client.messages[client.messages.findIndex((m) => m.type === type) + 1];

describe('the board route', () => {
  it('B0 the greeting echoes board_id, or says null without one, and that client is on the board default', async () => {
    const server = await startTestServer();
    const named = await rawRequest(server, '/ws/connect?board_id=team-7', { upgrade: true });
    expect(named.json).toMatchObject({ event: 'connected', data: { board_id: 'team-7' } });

    await createCardOverHttp(server, DEFAULT_BOARD_ID, 'on-default');
    const bare = await connectTestClient(wsOrigin(server, '/ws/connect'));
    expect(await bare.next((m) => m.event === 'connected')).toMatchObject({
      data: { board_id: null },
    });
    expect(dataOf(await bare.next('snapshot'))).toMatchObject({
      board_id: DEFAULT_BOARD_ID,
      cards: [expect.objectContaining({ title: 'on-default' })],
    });
  });

  it('B0 client_id is the document’s epoch seconds and a fraction: the greeting’s seconds and microseconds, then five random digits', async () => {
    // Every greeting in the same microsecond: only the random digits can keep the ids apart.
    const server = await startTestServer({ now: () => 1_754_869_330_702.162 });
    const ids = new Set<string>();
    for (let i = 0; i < 3; i += 1) {
      const greeting = dataOf(
        (await rawRequest(server, '/ws/connect', { upgrade: true })).json ?? {},
      );
      const [, seconds, micros] =
        /^client_(\d{10})\.(\d{6})\d{5}$/.exec(String(greeting.client_id)) ?? [];
      const time = String(greeting.server_time);
      expect(Number(seconds)).toBe(Date.parse(`${time.slice(0, 19)}Z`) / 1000);
      expect(time.slice(20)).toBe(micros);
      ids.add(String(greeting.client_id));
    }
    expect(ids.size).toBe(3);
  });

  it('B3 a client gets the presence as it is right after its snapshot, and right after its resumed', async () => {
    const server = await startTestServer();
    const path = '/ws/connect?board_id=b3-join';
    const first = await connectTestClient(wsOrigin(server, path));
    const alone = (m: TestMessage) => m.type === 'presence' && dataOf(m).count === 1;
    await first.next(alone);

    const second = await connectTestClient(wsOrigin(server, path));
    const snapshot = await second.next('snapshot');
    await second.next('presence');
    // The value already there (the first client alone), not the later one naming the joiner too.
    expect(after(second, 'snapshot')).toEqual(first.messages.find(alone));
    await first.next((m) => m.type === 'presence' && dataOf(m).count === 2);
    second.ws.close();
    await first.next(alone);

    const back = await connectTestClient(
      wsOrigin(server, `${path}&epoch=${String(snapshot.epoch)}&seq=${String(snapshot.seq)}`),
    );
    await back.next('resumed');
    await back.next('presence');
    expect(after(back, 'resumed')).toMatchObject({ type: 'presence', data: { count: 1 } });
  });

  it('B3 a client that leaves before its join completes is not left on the board by its presence.update', async () => {
    const storage = createSqliteStorage(tempDataDir(), createLogger('silent'));
    onTestCleanup(() => storage.close());
    let openGate = (): void => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const server = await startTestServer({
      storage: {
        ...storage,
        loadSequenced: async (kind, id) => {
          if (id === 'ghost') await gate;
          return storage.loadSequenced(kind, id);
        },
      },
    });
    const path = '/ws/connect?board_id=ghost';
    const leaving = await connectTestClient(wsOrigin(server, path));
    leaving.send({ type: 'presence.update', name: 'Ghost' });
    leaving.ws.close();
    await vi.waitFor(() => expect(server.stats().routes.board?.connections).toBe(0));
    openGate();

    const staying = await connectTestClient(wsOrigin(server, path));
    const { client_id } = dataOf(await staying.next((m) => m.event === 'connected'));
    const summary = await staying.next(
      (m) => m.type === 'presence' && JSON.stringify(m).includes(String(client_id)),
    );
    expect(dataOf(summary).count).toBe(1);
  });

  it('K5 an op a socket sent while its join ran is not applied once that socket closed before the join ended', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    const release = storage.holdHeadReads();
    const path = '/ws/connect?board_id=held';
    const leaving = await connectTestClient(wsOrigin(server, path));
    leaving.send({ type: 'card.create', op_id: 'early', column_id: 'backlog', title: 'x' });
    leaving.ws.close();
    await vi.waitFor(() => expect(server.stats().routes.board?.connections).toBe(0));
    release();
    // Once another socket is served, the held join has long run on: the board's turn takes the
    // question after any op that join let through.
    await (await connectTestClient(wsOrigin(server, path))).next('snapshot');
    const probe = { type: 'card.delete', op_id: 'early', card_id: 'none' };
    expect((await rawRequest(server, '/api/boards/held/ops', { body: probe })).status).toBe(404);
  });

  it('B3 a board everyone left holds no presence: 20 boards joined and left keep no value', async () => {
    const broker = createMemoryBroker(
      { maxEvents: 1000, maxAgeMs: 60_000, maxBytes: 1 << 20 },
      Date.now,
      encodeTextFrame,
    );
    const server = await startTestServer({ broker });
    const rooms = Array.from({ length: 20 }, (_, i) => `presence:left-${i}`);
    for (const room of rooms) {
      const client = await connectTestClient(
        wsOrigin(server, `/ws/connect?board_id=${room.slice('presence:'.length)}`),
      );
      await client.next((m) => m.type === 'presence' && dataOf(m).count === 1);
      expect(broker.latest(room)).toBeDefined();
      client.ws.close();
    }
    await vi.waitFor(() => expect(rooms.filter((room) => broker.latest(room))).toEqual([]), {
      timeout: 5_000,
    });
  });

  it('S2 S3 a board read while the broker cannot take its room gets 503 unavailable, logs no error, and is served once the broker works again', async () => {
    const memory = createMemoryBroker(
      { maxEvents: 1000, maxAgeMs: 60_000, maxBytes: 1 << 20 },
      Date.now,
      encodeTextFrame,
    );
    /** Injected outage: while set, seeding a room's copy fails as a lost Redis connection does. */
    let down = false;
    const broker: Broker = {
      ...memory,
      seed: (room, seed) =>
        down
          ? Promise.reject(new BrokerError(`seed ${room} failed: connection lost`))
          : memory.seed(room, seed),
    };
    const errors: unknown[] = [];
    const logger = createLogger('error', (line) => errors.push(JSON.parse(line)));
    const server = await startTestServer({ broker, logger });

    down = true;
    const refused = await rawRequest(server, '/api/boards/s2-read');
    expect([refused.status, refused.json]).toEqual([
      503,
      {
        error: {
          code: 'unavailable',
          message: 'message broker unavailable: connection lost',
          field: null,
        },
      },
    ]);
    expect(errors).toEqual([]);

    down = false;
    expect((await rawRequest(server, '/api/boards/s2-read')).status).toBe(200);
  });
});
