import { createClient } from 'redis';
import { describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import type { Broker, RoomSeed } from '../rooms/Broker.js';
import { createRedisBroker, type RedisBroker } from '../rooms/createRedisBroker.js';
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

/**
 * An event log on a fresh database and the file's Redis, its broker `wrapped` (the Redis broker as
 * it is by default), at the time `clock.now` gives; with a plain client of that Redis.
 */
const eventLogOnEngines = async (
  clock: { now: number },
  wrapped: (redis: RedisBroker) => Broker = (redis) => redis,
) => {
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
  const events = createEventLog({
    broker: wrapped(redis),
    storage,
    log,
    now: () => clock.now,
    historyMaxEvents: 100,
    brokerStatus: () => redis.status(),
  });
  onTestCleanup(() => events.stop());
  const admin = createClient({ url: redisUrl });
  await admin.connect();
  onTestCleanup(() => admin.destroy());
  return { storage, redis, events, admin };
};

describe('event log', () => {
  it("a copy is seeded with storage's events up to the seeded head only, also once retention deleted those before it: after a FLUSHALL the next appends publish and the broker stays ok", async () => {
    const seeds: RoomSeed[] = [];
    const clock = { now: 0 };
    const { storage, redis, events, admin } = await eventLogOnEngines(clock, (redis) => ({
      ...redis,
      seed: (room: string, seed: RoomSeed) => (seeds.push(seed), redis.seed(room, seed)),
    }));
    const append = () => events.inTurn('room', (to) => to(positionEvent));
    for (let i = 0; i < 3; i += 1) expect(await append()).toMatchObject({ kind: 'appended' });

    clock.now = 20 * MINUTE_MS;
    await pruneAll(storage, { ...PRUNE_POLICY, runRoom: () => 'none' }, clock.now);
    await admin.flushAll();

    expect(await append()).toEqual({ kind: 'appended', message: { seq: 4 } });
    expect(await append()).toEqual({ kind: 'appended', message: { seq: 5 } });
    expect(redis.status()).toEqual({ ok: true });
    expect(
      seeds.flatMap((seed) => seed.entries.filter((entry) => entry.seq > seed.headSeq)),
    ).toEqual([]);
    expect(await redis.window('room')).toMatchObject({ headSeq: 5, oldestSeq: 4 });
  });

  it('S2 an append while Redis is out of memory, also once the broker says so, is stored and acknowledged, and reaches the copy once Redis takes writes again, without another write', async () => {
    const { redis, events, admin } = await eventLogOnEngines({ now: Date.now() });
    const append = () => events.inTurn('full', (to) => to(positionEvent));
    expect(await append()).toMatchObject({ kind: 'appended' });
    await admin.configSet('maxmemory', '1');
    onTestCleanup(() => admin.configSet('maxmemory', '0'));
    expect(await append()).toEqual({ kind: 'appended', message: { seq: 2 } });
    expect(redis.status()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/OOM/) as unknown,
    });
    // Redis known to be out of memory: still stored and acknowledged.
    expect(await append()).toEqual({ kind: 'appended', message: { seq: 3 } });
    await admin.configSet('maxmemory', '0');
    // Read past the broker: a script of its own would end the out-of-memory state by itself.
    await vi.waitFor(
      async () => expect(await admin.hGet('event_log:{full}:meta', 'head')).toBe('3'),
      { timeout: 3_000 },
    );
    // Redis ran the script before its reply reaches the broker, which ends the state then.
    await vi.waitFor(() => expect(redis.status()).toEqual({ ok: true }), { timeout: 3_000 });
  });
});
