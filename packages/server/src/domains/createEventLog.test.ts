import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import type { RoomSeed } from '../rooms/Broker.js';
import { createRedisBroker } from '../rooms/createRedisBroker.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { onTestCleanup } from '../test-utils/index.js';
import { MINUTE_MS, PRUNE_POLICY, pruneAll } from '../test-utils/pruning.js';
import { createEventLog, type AppendSteps } from './createEventLog.js';

const engines = useClusterEngines('event_log');

/** The steps of an event that is its own position, stores no document and follows nobody. */
const positionEvent: AppendSteps<{ seq: number }> = {
  build: ({ seq }) => ({ seq }),
  serialize: (message) => JSON.stringify(message),
  reduce: () => [],
  apply: () => undefined,
};

describe('event log', () => {
  it("a copy is seeded with storage's events up to the seeded head only, also once retention deleted those before it: after a FLUSHALL the next appends publish and the broker stays ok", async () => {
    const { databaseUrl, redisUrl } = await engines.freshCluster();
    const log = createLogger('silent');
    const storage = createPostgresStorage({ url: databaseUrl, log });
    onTestCleanup(() => storage.close());
    const redis = createRedisBroker({
      url: redisUrl,
      prefix: 'event_log',
      limits: { maxEvents: 100, maxAgeMs: 10 * MINUTE_MS, maxBytes: 1e9 },
      now: Date.now,
      encode: (text) => Buffer.from(text),
      log,
    });
    onTestCleanup(() => redis.close());
    await redis.ready;
    const seeds: RoomSeed[] = [];
    const broker = {
      ...redis,
      seed: (room: string, seed: RoomSeed) => (seeds.push(seed), redis.seed(room, seed)),
    };
    let now = 0;
    const events = createEventLog({
      broker,
      storage,
      log,
      now: () => now,
      historyMaxEvents: 100,
      brokerStatus: () => redis.status(),
    });
    onTestCleanup(() => events.stop());
    const append = () => events.inTurn('room', (to) => to(positionEvent));
    for (let i = 0; i < 3; i += 1) expect(await append()).toMatchObject({ kind: 'appended' });

    now = 20 * MINUTE_MS;
    await pruneAll(storage, { ...PRUNE_POLICY, runRoom: () => 'none' }, now);
    const admin = createClient({ url: redisUrl });
    await admin.connect();
    onTestCleanup(() => admin.destroy());
    await admin.flushAll();

    expect(await append()).toEqual({ kind: 'appended', message: { seq: 4 } });
    expect(await append()).toEqual({ kind: 'appended', message: { seq: 5 } });
    expect(redis.status()).toEqual({ ok: true });
    expect(
      seeds.flatMap((seed) => seed.entries.filter((entry) => entry.seq > seed.headSeq)),
    ).toEqual([]);
    expect(await redis.window('room')).toMatchObject({ headSeq: 5, oldestSeq: 4 });
  });
});
