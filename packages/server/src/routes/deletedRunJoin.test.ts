import { describe, expect, it } from 'vitest';
import { BrokerError, StorageError } from '../errors.js';
import type { Broker } from '../rooms/Broker.js';
import { createMemoryBroker } from '../rooms/createMemoryBroker.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';
import { waitForStatus } from '../test-utils/workflows.js';
import { encodeTextFrame } from '../transport/wireFrame.js';
import { BROKER_UNAVAILABLE_REASON } from './joinRooms.js';
import { STORAGE_UNAVAILABLE_REASON } from './outageFailure.js';

const HOUR_MS = 3_600_000;

describe('joining the socket of a deleted run when the join fails for another reason', () => {
  it.each([
    {
      outage: 'storage',
      cause: 'storage cannot open its room',
      reason: STORAGE_UNAVAILABLE_REASON,
    },
    { outage: 'broker', cause: 'the broker cannot subscribe', reason: BROKER_UNAVAILABLE_REASON },
  ] as const)(
    'K1 G5 a join on the id of a run retention deleted that fails because $cause closes with 1013 and that reason (retry), not 4409 (deleted)',
    async ({ outage, reason }) => {
      const clock = createTestClock();
      const storage = createFailingStorage();
      const memory = createMemoryBroker(
        { maxEvents: 1000, maxAgeMs: 1000 * HOUR_MS, maxBytes: 1 << 20 },
        clock.now,
        encodeTextFrame,
      );
      /** Injected outage: once set, `outage` fails on the run's room only; the rest still works. */
      let failing = false;
      const fails = (on: typeof outage, room: string) =>
        failing && on === outage && room === 'workflow:gone';
      const broker: Broker = {
        ...memory,
        subscribed: async (room) => {
          if (fails('broker', room)) throw new BrokerError('subscribe failed: connection lost');
          await memory.subscribed?.(room);
        },
      };
      const server = await startTestServer({
        broker,
        storage: {
          ...storage,
          readHead: async (room) => {
            if (fails('storage', room)) throw new StorageError('read failed: bad sector');
            return storage.readHead(room);
          },
        },
        now: clock.now,
        runRetentionMs: HOUR_MS,
        pruneIntervalMs: 5,
      });
      await rawRequest(server, '/api/workflows', {
        body: { mode: 'idea', input: 'A kite. It flies. It lands.', id: 'gone' },
      });
      await waitForStatus(server, 'gone', 'completed');
      clock.skip(2 * HOUR_MS);
      await expect
        .poll(async () => (await rawRequest(server, '/api/workflows/gone')).status)
        .toBe(410);

      failing = true;
      const client = await connectTestClient(wsOrigin(server, '/ws/workflow/gone'));

      expect(await client.closed).toEqual({ code: 1013, reason });
      expect(client.messages).toEqual([]);
    },
  );
});
