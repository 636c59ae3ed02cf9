import { afterAll, beforeAll, expect } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createRedisBroker, type RedisBroker } from '../rooms/createRedisBroker.js';
import type { RedisDeadlines } from '../config/redisDeadlines.js';
import { startRedis, type TestRedis } from './engines/startRedis.js';
import { onTestCleanup } from './index.js';
import { connectRedisAdmin, type RedisAdmin } from './redisAdmin.js';

export const frameOf = (seq: number): string => `{"seq":${seq}}`;

/** Deadlines short enough that a test of a Redis that stops answering takes a second or so. */
export const SHORT_DEADLINES: RedisDeadlines = { replyMs: 300, pingIntervalMs: 100 };

/** How the nodes of {@link RedisBrokerNodes.nodes} differ from the defaults. */
export interface NodeSettings {
  /** Each node's Redis URL, by index (the test's Redis for those not given). */
  readonly urls?: readonly string[];
  readonly maxAgeMs?: number;
  readonly maxBytes?: number;
  /** @default the frame's text as bytes */
  readonly encode?: (text: string) => Buffer;
  readonly deadlines?: RedisDeadlines;
  readonly subscribeConfirmMs?: number;
  /** Gets each log line of every node. */
  readonly logLine?: (line: string) => void;
}

/** Every seq a node's listener got in `room`. */
export const received = (broker: RedisBroker, room: string): (number | null)[] => {
  const seqs: (number | null)[] = [];
  broker.subscribe(room, 'ordered', (_frame, seq) => seqs.push(seq));
  return seqs;
};

export const publishRange = async (broker: RedisBroker, room: string, from: number, to: number) => {
  for (let seq = from; seq <= to; seq += 1)
    expect(await broker.publish(room, { seq, epoch: 'e1' }, frameOf(seq))).toBe('ok');
};

/** A room state at seq 0 whose copy holds every event since: a join never has to catch it up. */
export const EMPTY_ROOM = {
  snapshot: () => ({ seq: 0, epoch: 'e1', data: null }),
  catchUp: () => Promise.reject(new Error('the copy holds every event since seq 0')),
};

export const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

/** The Redis broker tests' Redis and nodes, from {@link useRedisBrokerNodes}. */
export interface RedisBrokerNodes {
  /** The test file's Redis, started before its first test and stopped after its last. */
  readonly redis: TestRedis;
  /** `count` nodes' brokers on one Redis (one deployment: one key prefix), each at its own URL. */
  readonly nodes: (count: number, settings?: NodeSettings) => Promise<RedisBroker[]>;
  /** Nodes A and B of one deployment; B reaches Redis through the proxy on `bPort`, if given. */
  readonly twoNodes: (bPort?: number) => Promise<[RedisBroker, RedisBroker]>;
  /** A plain client of the test's Redis (or of the one at `url`), closed after the test. */
  readonly admin: (url?: string) => Promise<RedisAdmin>;
  /** How many pub/sub channels of `room` Redis has. */
  readonly numsub: (room: string) => Promise<number>;
  /** Node A holding an empty copy of `room`, node B, and what node B's listener (subscribed) gets of it. */
  readonly writerAndListener: (
    room: string,
    settings?: NodeSettings,
  ) => Promise<{ a: RedisBroker; b: RedisBroker; got: (number | null)[] }>;
}

/** Starts a Redis for the calling test file and makes its nodes (brokers), closed after each test. */
export function useRedisBrokerNodes(): RedisBrokerNodes {
  let redis: TestRedis | null = null;
  let deployments = 0;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(() => redis?.stop());
  const started = (): TestRedis => {
    if (!redis) throw new Error('Redis starts before the first test');
    return redis;
  };

  const nodes: RedisBrokerNodes['nodes'] = async (
    count,
    {
      urls = [],
      maxAgeMs = 3_600_000,
      maxBytes = 1e9,
      encode = (text) => Buffer.from(text),
      deadlines,
      subscribeConfirmMs,
      logLine,
    }: NodeSettings = {},
  ) => {
    deployments += 1;
    const prefix = `nodes${deployments}`;
    return Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const broker = createRedisBroker({
          url: urls[i] ?? started().url,
          prefix,
          limits: { maxEvents: 100, maxAgeMs, maxBytes },
          now: Date.now,
          encode,
          log: logLine ? createLogger('info', logLine) : createLogger('silent'),
          probeIntervalMs: 100,
          ...(deadlines && { deadlines }),
          ...(subscribeConfirmMs !== undefined && { subscribeConfirmMs }),
        });
        onTestCleanup(() => broker.close());
        await broker.ready;
        return broker;
      }),
    );
  };
  const admin = (url = started().url) => connectRedisAdmin(url);
  return {
    get redis() {
      return started();
    },
    nodes,
    twoNodes: async (bPort) => {
      const [a, b] = await nodes(2, {
        urls: [started().url, bPort ? `redis://127.0.0.1:${bPort}` : started().url],
      });
      if (!a || !b) throw new Error('two nodes expected');
      return [a, b];
    },
    admin,
    numsub: async (room) => {
      const client = await admin();
      const channels = await client.sendCommand(['PUBSUB', 'CHANNELS', `*{${room}}*`]);
      return Array.isArray(channels) ? channels.length : -1;
    },
    writerAndListener: async (room, settings) => {
      const [a, b] = await nodes(2, settings);
      if (!a || !b) throw new Error('two nodes expected');
      await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
      const got = received(b, room);
      await b.subscribed?.(room);
      return { a, b, got };
    },
  };
}
