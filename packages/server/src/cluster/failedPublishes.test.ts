import { describe, expect, it, vi } from 'vitest';
import { BrokerError, StorageError } from '../errors.js';
import { createLogger } from '../log/createLogger.js';
import type { Broker } from '../rooms/Broker.js';
import { createRedisBroker } from '../rooms/createRedisBroker.js';
import { createCard, createdSeen } from '../test-utils/boardClients.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { connectTestClient, dataOf, onTestCleanup, wsOrigin } from '../test-utils/index.js';
import { twoBoardNodes } from '../test-utils/twoBoardNodes.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import type { Storage } from '../storage/Storage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';

const engines = useClusterEngines('failed_publishes');

/**
 * A node's broker on the shared Redis whose publishes, and seeds, fail while `fault.publishes`,
 * and `fault.seeds`, are set (injected faults between storing and publishing); `fault.refusedSeeds`
 * counts the seeds it refused.
 */
const faultyBroker = async () => {
  const redisBroker = createRedisBroker({
    url: engines.redis.url,
    limits: { maxEvents: 1000, maxBytes: 1 << 20, maxAgeMs: 600_000 },
    now: () => Date.now(),
    encode: encodeTextFrame,
    log: createLogger('silent'),
  });
  onTestCleanup(() => redisBroker.close());
  await redisBroker.ready;
  const fault = { publishes: false, seeds: false, refusedSeeds: 0 };
  const broker: Broker = {
    ...redisBroker,
    publish: (room, position, frame) =>
      fault.publishes
        ? Promise.reject(new BrokerError('publish failed: injected'))
        : redisBroker.publish(room, position, frame),
    seed(room, seed) {
      if (!fault.seeds) return redisBroker.seed(room, seed);
      fault.refusedSeeds += 1;
      return Promise.reject(new BrokerError('seed failed: injected'));
    },
  };
  return { broker, fault };
};

// Acked writes whose publish failed (injected broker faults) reach every node's clients (S4, B2).
describe('cluster faults', () => {
  it("an acked write whose publish failed reaches every node's clients once the broker takes publishes again, without another write", async () => {
    const { broker, fault } = await faultyBroker();
    const { onA, onB } = await twoBoardNodes(engines, 'unpublished', () => ({ broker }));
    fault.publishes = true;
    createCard(onA, 'stored');
    expect(dataOf(await onA.next('ack'))).toMatchObject({ op_id: 'stored', duplicate: false });
    expect(createdSeen(onB)).toEqual([]);
    fault.publishes = false;
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['stored']), ACROSS);
    await vi.waitFor(() => expect(createdSeen(onA)).toEqual(['stored']), ACROSS);
  });

  it("an acked write whose publish failed reaches the other nodes' clients when its node stops during a broker blip, without another write", async () => {
    const { broker, fault } = await faultyBroker();
    const { a, onA, onB } = await twoBoardNodes(engines, 'stopping', () => ({ broker }));
    fault.publishes = fault.seeds = true;
    createCard(onA, 'stored');
    expect(dataOf(await onA.next('ack'))).toMatchObject({ op_id: 'stored', duplicate: false });

    const refusedBefore = fault.refusedSeeds;
    const stopped = a.stop();
    // The blip ends once the stopping node's seed was refused.
    await vi.waitFor(() => expect(fault.refusedSeeds).toBeGreaterThan(refusedBefore), ACROSS);
    fault.publishes = fault.seeds = false;
    await stopped;
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['stored']), ACROSS);
  });

  it("S4 B2 an op whose reply node A lost is answered duplicate when retried on node B, which caught up to it before (its join), and node B publishes it: every client gets it though node A's broker takes nothing", async () => {
    const { broker, fault } = await faultyBroker();
    let loseReplies = false;
    const { b, onA, onB } = await twoBoardNodes(engines, 'lost-reply', (url) => {
      const storage = createPostgresStorage({ url, log: createLogger('silent') });
      onTestCleanup(() => storage.close());
      const append: Storage['append'] = async (request) => {
        const result = await storage.append(request);
        if (loseReplies) throw new StorageError('append failed: reply lost after COMMIT');
        return result;
      };
      return { broker, storage: { ...storage, append } };
    });
    // Node A stores the op but hears no reply, and cannot publish it (as if it died).
    fault.publishes = fault.seeds = true;
    loseReplies = true;
    createCard(onA, 'lost');
    expect(dataOf(await onA.next('error'))).toMatchObject({ code: 'unavailable', op_id: 'lost' });
    // Its client goes to node B: the join there catches B up to the stored card, then the op is sent again.
    const moved = await connectTestClient(wsOrigin(b, '/ws/connect?board_id=lost-reply'));
    await moved.next('snapshot');
    createCard(moved, 'lost');
    expect(dataOf(await moved.next('ack'))).toMatchObject({ op_id: 'lost', duplicate: true });
    await vi.waitFor(() => expect(createdSeen(onB)).toEqual(['lost']), ACROSS);
    await vi.waitFor(() => expect(createdSeen(onA)).toEqual(['lost']), ACROSS);
  });
});
