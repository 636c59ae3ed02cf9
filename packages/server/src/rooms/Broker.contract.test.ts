import type { Delivery } from '@liveline/protocol';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import type { HistoryEntry } from '../storage/Storage.js';
import { startRedis, type TestRedis } from '../test-utils/engines/startRedis.js';
import { onTestCleanup } from '../test-utils/index.js';
import type { Broker, RoomSeed } from './Broker.js';
import { createMemoryBroker } from './createMemoryBroker.js';
import { createRedisBroker } from './createRedisBroker.js';

/** What a broker under the contract is built with. */
interface BrokerSetup {
  /** The transport's encoder: listeners and range reads must hand out exactly its bytes. */
  readonly encode: (text: string) => Buffer;
  /** Events a room's copy holds at most. */
  readonly maxEvents: number;
}

/** One implementation under the contract: every case runs against each. */
interface BrokerSubject {
  readonly name: string;
  /** A broker with no rooms, cleaned up after the test. */
  create(setup: BrokerSetup): Promise<Broker>;
  /** Releases what the subject started (a broker server), after all its cases. */
  destroy(): Promise<void>;
}

const memorySubject: BrokerSubject = {
  name: 'memory',
  create: ({ encode, maxEvents }) =>
    Promise.resolve(
      createMemoryBroker({ maxEvents, maxAgeMs: 3_600_000, maxBytes: 1e9 }, Date.now, encode),
    ),
  destroy: () => Promise.resolve(),
};

/** A Redis for the file (started by the first case), a key prefix per case. */
const redisSubject = (): BrokerSubject => {
  let redis: Promise<TestRedis> | null = null;
  let brokers = 0;
  return {
    name: 'redis',
    async create({ encode, maxEvents }) {
      redis ??= startRedis();
      brokers += 1;
      const broker = createRedisBroker({
        url: (await redis).url,
        prefix: `contract${brokers}`,
        limits: { maxEvents, maxAgeMs: 3_600_000, maxBytes: 1e9 },
        now: Date.now,
        encode,
        log: createLogger('silent'),
      });
      onTestCleanup(() => broker.close());
      await broker.ready;
      return broker;
    },
    async destroy() {
      if (redis) await (await redis).stop();
    },
  };
};

/** Add an implementation here (one line) and it must pass every case below. */
const SUBJECTS: readonly BrokerSubject[] = [memorySubject, redisSubject()];

afterAll(async () => {
  for (const subject of SUBJECTS) await subject.destroy();
});

const MAX_EVENTS = 5;
const encode = (text: string): Buffer => Buffer.from(`#${text}`);
const frameOf = (seq: number): string => `{"seq":${seq}}`;
const entries = (from: number, to: number): HistoryEntry[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    seq: from + i,
    frame: frameOf(from + i),
    at: Date.now(),
  }));
const seedOf = (epoch: string, headSeq: number, oldest = headSeq + 1): RoomSeed => ({
  epoch,
  headSeq,
  entries: oldest <= headSeq ? entries(oldest, headSeq) : [],
});

describe.each(SUBJECTS)('Broker contract: $name', (subject) => {
  const create = (): Promise<Broker> => subject.create({ encode, maxEvents: MAX_EVENTS });
  /**
   * Every delivery of `room` as [seq, text], from once the subscription is confirmed: a networked
   * broker guarantees only what is published after that (a join waits for it the same way, R8).
   */
  const record = async (
    broker: Broker,
    room: string,
    delivery: Delivery = 'ordered',
  ): Promise<[number | null, string][]> => {
    const got: [number | null, string][] = [];
    broker.subscribe(room, delivery, (frame, seq) => got.push([seq, frame.toString()]));
    await broker.subscribed?.(room);
    return got;
  };

  it('BR1 a room without a copy has no window and answers gap until it is seeded', async () => {
    const broker = await create();
    expect(await broker.window('r')).toBeNull();
    expect(await broker.publish('r', { seq: 1, epoch: 'e1' }, frameOf(1))).toBe('gap');
    await broker.seed('r', seedOf('e1', 0));
    expect(await broker.window('r')).toEqual({ epoch: 'e1', headSeq: 0, oldestSeq: 1 });
    expect(await broker.publish('r', { seq: 1, epoch: 'e1' }, frameOf(1))).toBe('ok');
  });

  it('G3 a dropped room has no copy any more: no window, no range, and publish answers gap until seeded again', async () => {
    const broker = await create();
    await broker.seed('r', seedOf('e1', 3, 1));
    await broker.seed('kept', seedOf('e1', 1, 1));
    await broker.drop('r');
    expect(await broker.window('r')).toBeNull();
    expect(await broker.since('r', 0)).toEqual({ held: false });
    expect(await broker.publish('r', { seq: 4, epoch: 'e1' }, frameOf(4))).toBe('gap');
    expect(await broker.window('kept')).toEqual({ epoch: 'e1', headSeq: 1, oldestSeq: 1 });
    await broker.seed('r', seedOf('e2', 0));
    expect(await broker.window('r')).toEqual({ epoch: 'e2', headSeq: 0, oldestSeq: 1 });
  });

  it("G3 dropping a room tells its listeners that asked (once each), not those that left, nor another room's", async () => {
    const broker = await create();
    const told: string[] = [];
    const listen = (room: string, name: string) =>
      broker.subscribe(
        room,
        'ordered',
        () => undefined,
        () => told.push(name),
      );
    await broker.seed('r', seedOf('e1', 1, 1));
    listen('r', 'stays');
    listen('r', 'leaves')();
    listen('other', 'other');
    await broker.subscribed?.('r');
    await broker.subscribed?.('other');
    await broker.drop('r');
    await vi.waitFor(() => expect(told).toEqual(['stays']));
    // The notice travels ahead of later events on a networked broker: once one is here, no
    // second notice and nothing for the other room is on its way.
    const got = await record(broker, 'r');
    await broker.seed('r', seedOf('e2', 0));
    expect(await broker.publish('r', { seq: 1, epoch: 'e2' }, frameOf(1))).toBe('ok');
    await vi.waitFor(() => expect(got).toHaveLength(1));
    expect(told).toEqual(['stays']);
  });

  it('BR2 publish at head + 1 is ok and delivers the encoded frame with its seq, in publish order', async () => {
    const broker = await create();
    await broker.seed('r', seedOf('e1', 3, 1));
    const got = await record(broker, 'r');
    for (const seq of [4, 5, 6])
      expect(await broker.publish('r', { seq, epoch: 'e1' }, frameOf(seq))).toBe('ok');
    await vi.waitFor(() => expect(got).toHaveLength(3));
    expect(got).toEqual([4, 5, 6].map((seq) => [seq, `#${frameOf(seq)}`]));
    expect(await broker.window('r')).toMatchObject({ epoch: 'e1', headSeq: 6 });
  });

  it('BR3 a held seq is a duplicate, a skipped one a gap, another epoch is epoch: none delivered', async () => {
    const broker = await create();
    await broker.seed('r', seedOf('e1', 2, 1));
    const got = await record(broker, 'r');
    expect(await broker.publish('r', { seq: 2, epoch: 'e1' }, frameOf(2))).toBe('duplicate');
    expect(await broker.publish('r', { seq: 4, epoch: 'e1' }, frameOf(4))).toBe('gap');
    expect(await broker.publish('r', { seq: 3, epoch: 'e2' }, frameOf(3))).toBe('epoch');
    expect(await broker.window('r')).toMatchObject({ epoch: 'e1', headSeq: 2 });
    // The next good publish is the barrier: nothing refused before it may arrive.
    expect(await broker.publish('r', { seq: 3, epoch: 'e1' }, frameOf(3))).toBe('ok');
    await vi.waitFor(() => expect(got.length).toBeGreaterThan(0));
    expect(got).toEqual([[3, `#${frameOf(3)}`]]);
  });

  it('BR4 seeding keeps a copy of the same epoch that is as new or newer, and replaces any other', async () => {
    const broker = await create();
    await broker.seed('r', seedOf('e1', 4, 2));
    await broker.seed('r', seedOf('e1', 3, 1));
    expect(await broker.window('r')).toEqual({ epoch: 'e1', headSeq: 4, oldestSeq: 2 });
    await broker.seed('r', seedOf('e1', 6, 5));
    expect(await broker.window('r')).toEqual({ epoch: 'e1', headSeq: 6, oldestSeq: 5 });
    await broker.seed('r', seedOf('e2', 1, 1));
    expect(await broker.window('r')).toEqual({ epoch: 'e2', headSeq: 1, oldestSeq: 1 });
    expect(await broker.publish('r', { seq: 2, epoch: 'e1' }, frameOf(2))).toBe('epoch');
  });

  it('BR4 a seed whose entries run past its head holds them up to its head only: the next publish follows that head', async () => {
    const broker = await create();
    await broker.seed('r', { epoch: 'e1', headSeq: 3, entries: entries(1, 5) });
    expect(await broker.window('r')).toEqual({ epoch: 'e1', headSeq: 3, oldestSeq: 1 });
    const got = await record(broker, 'r');
    expect(await broker.publish('r', { seq: 4, epoch: 'e1' }, frameOf(4))).toBe('ok');
    await vi.waitFor(() => expect(got).toEqual([[4, `#${frameOf(4)}`]]));
  });

  it('R4 R8 a range read answers every encoded event after a seq, or not held: never part of them', async () => {
    const broker = await create();
    await broker.seed('r', seedOf('e1', 3, 1));
    for (const seq of [4, 5]) await broker.publish('r', { seq, epoch: 'e1' }, frameOf(seq));
    const texts = async (after: number) => {
      const range = await broker.since('r', after);
      return range.held ? range.frames.map((f) => f.toString()) : 'not held';
    };
    expect(await texts(2)).toEqual([3, 4, 5].map((seq) => `#${frameOf(seq)}`));
    expect(await texts(5)).toEqual([]);
    expect(await texts(0)).toEqual([1, 2, 3, 4, 5].map((seq) => `#${frameOf(seq)}`));
    expect(await broker.since('nowhere', 0)).toEqual({ held: false });
  });

  it('R6 R8 the copy is bounded: once old events are dropped a range reaching them is not held', async () => {
    const broker = await create();
    await broker.seed('r', seedOf('e1', 0));
    const total = MAX_EVENTS + 3;
    for (let seq = 1; seq <= total; seq += 1)
      await broker.publish('r', { seq, epoch: 'e1' }, frameOf(seq));
    const window = await broker.window('r');
    expect(window).toEqual({ epoch: 'e1', headSeq: total, oldestSeq: total - MAX_EVENTS + 1 });
    expect(await broker.since('r', 0)).toEqual({ held: false });
    const tail = await broker.since('r', total - MAX_EVENTS);
    expect(tail.held && tail.frames).toHaveLength(MAX_EVENTS);
  });

  it('BR5 listeners get every later frame until they unsubscribe; rooms are separate', async () => {
    const broker = await create();
    await broker.seed('r', seedOf('e1', 0));
    await broker.seed('s', seedOf('e9', 0));
    const kept = await record(broker, 'r');
    const left: unknown[] = [];
    const leave = broker.subscribe('r', 'ordered', (frame) => left.push(frame));
    await broker.subscribed?.('r');
    expect(broker.subscriberCount('r')).toBe(2);
    await broker.publish('r', { seq: 1, epoch: 'e1' }, frameOf(1));
    await vi.waitFor(() => expect(left).toHaveLength(1));
    leave();
    expect(broker.subscriberCount('r')).toBe(1);
    await broker.publish('s', { seq: 1, epoch: 'e9' }, frameOf(1));
    await broker.publish('r', { seq: 2, epoch: 'e1' }, frameOf(2));
    await vi.waitFor(() => expect(kept).toHaveLength(2));
    expect(kept.map(([seq]) => seq)).toEqual([1, 2]);
    expect(left).toHaveLength(1);
  });

  it('BR6 a latest room keeps only its newest value and delivers each one without a seq', async () => {
    const broker = await create();
    expect(broker.latest('clock')).toBeUndefined();
    const got = await record(broker, 'clock', 'latest');
    broker.setLatest('clock', 'tick 1');
    broker.setLatest('clock', 'tick 2');
    expect(broker.latest('clock')).toBe('tick 2');
    await vi.waitFor(() => expect(got).toHaveLength(2));
    expect(got).toEqual([
      [null, '#tick 1'],
      [null, '#tick 2'],
    ]);
  });

  it('BR8 a cleared latest room has no value and delivers nothing', async () => {
    const broker = await create();
    const got = await record(broker, 'presence', 'latest');
    broker.setLatest('presence', 'one');
    broker.clearLatest('presence');
    expect(broker.latest('presence')).toBeUndefined();
    broker.setLatest('presence', 'two');
    await vi.waitFor(() => expect(got).toHaveLength(2));
    expect(got).toEqual([
      [null, '#one'],
      [null, '#two'],
    ]);
  });
});
