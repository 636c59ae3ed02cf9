import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { startRedis, type TestRedis } from '../test-utils/engines/startRedis.js';
import { onTestCleanup } from '../test-utils/index.js';
import { createNodeSlices } from './createNodeSlices.js';
import { createRedisLatestBus, type RedisLatestBus } from './createRedisLatestBus.js';
import { KEEPALIVE_SCRIPT, READ_SCRIPT, SHARE_SCRIPT } from './sliceScripts.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(() => redis.stop());

/** A plain client of the test's Redis, closed after the test. */
const connectRaw = async () => {
  const raw = createClient({ url: redis.url });
  await raw.connect();
  onTestCleanup(() => raw.close());
  return raw;
};

/** A node's slices on a bus of its own, heartbeating every 20 ms, and how many reads it got answered. */
const startNode = async (nodeId: string) => {
  const inner = createRedisLatestBus({ url: redis.url, log: createLogger('silent') });
  onTestCleanup(() => inner.close());
  await inner.ready;
  const answered = { reads: 0 };
  const bus: RedisLatestBus = {
    ...inner,
    script: (body, keys, args, publishesTo) =>
      inner.script(body, keys, args, publishesTo).finally(() => {
        if (body === READ_SCRIPT) answered.reads += 1;
      }),
  };
  const slices = createNodeSlices({
    bus,
    nodeId,
    name: 'presence',
    expiryMs: 10_000,
    heartbeatMs: 20,
  });
  onTestCleanup(() => slices.close());
  return { slices, answered };
};

/** Resolves once `node` got `count` more reads answered. */
const moreReads = async (node: { reads: number }, count: number): Promise<void> => {
  const until = node.reads + count;
  await vi.waitFor(() => expect(node.reads).toBeGreaterThanOrEqual(until));
};

/** Redis' count of HGETALL calls so far (the slices' reads are the only ones). */
const hGetAllCalls = async (raw: { info(section: string): Promise<string> }): Promise<number> =>
  Number(/cmdstat_hgetall:calls=(\d+)/.exec(await raw.info('commandstats'))?.[1] ?? 0);

describe('per-node slices', () => {
  it('PS2 a heartbeat that finds no slice written or expired since its last read is sent no slice', async () => {
    const raw = await connectRaw();
    const [n1, n2] = [await startNode('r1'), await startNode('r2')];
    n1.slices.share('quiet', new Map([['c1', 'Ada']]));
    n2.slices.share('quiet', new Map([['c2', 'Grace']]));
    await vi.waitFor(() => expect(n1.slices.others('quiet')).toHaveLength(1));
    await vi.waitFor(() => expect(n2.slices.others('quiet')).toHaveLength(1));
    // Reads are one at a time per topic: two more each, and each has read the other's last write.
    await moreReads(n1.answered, 2);
    await moreReads(n2.answered, 2);

    const before = await hGetAllCalls(raw);
    await moreReads(n1.answered, 5);
    await moreReads(n2.answered, 5);
    expect(await hGetAllCalls(raw)).toBe(before);
    expect(n1.slices.others('quiet')).toEqual([{ node: 'r2', fields: ['c2', 'Grace'] }]);
  });

  it('PS2 a slice written without its announcement reaches the others at their next heartbeat', async () => {
    const raw = await connectRaw();
    const n1 = await startNode('s1');
    n1.slices.share('missed', new Map([['c1', 'Ada']]));
    const tag = '{presence:missed}';
    const share = (token: string, name: string) =>
      raw.eval(SHARE_SCRIPT, {
        keys: [`liveline:${tag}:node:s2`, `liveline:${tag}:nodes`, `liveline:${tag}:written:s2`],
        arguments: ['s2', '10000', 'liveline:nobody-listens', token, 'c2', name],
      });
    await share('s2-first', 'Grace');
    await vi.waitFor(() =>
      expect(n1.slices.others('missed')).toEqual([{ node: 's2', fields: ['c2', 'Grace'] }]),
    );

    await share('s2-second', 'Grace Hopper');
    await vi.waitFor(() =>
      expect(n1.slices.others('missed')).toEqual([{ node: 's2', fields: ['c2', 'Grace Hopper'] }]),
    );
  });

  it('PS2 a slice found gone by the heartbeat is written again with the people shared last, not those it had when it asked', async () => {
    const raw = await connectRaw();
    const inner = createRedisLatestBus({ url: redis.url, log: createLogger('silent') });
    onTestCleanup(() => inner.close());
    await inner.ready;
    /** The slice's loss (its expiry) and a share() while the heartbeat's KEEPALIVE is answered. */
    let loseNextKeepalive = false;
    let keepalivesAnswered = 0;
    const writes: Promise<unknown>[] = [];
    const bus: RedisLatestBus = {
      ...inner,
      async script(body, keys, args, publishesTo) {
        const sent = (): Promise<unknown> => inner.script(body, keys, args, publishesTo);
        if (body === SHARE_SCRIPT) {
          const write = sent();
          writes.push(write);
          return write;
        }
        if (body !== KEEPALIVE_SCRIPT) return sent();
        if (!loseNextKeepalive) return sent().finally(() => (keepalivesAnswered += 1));
        loseNextKeepalive = false;
        await raw.del(keys[0] ?? '');
        const answered = sent();
        slices.share(
          'board',
          new Map([
            ['c1', 'Ada'],
            ['c2', 'Grace'],
          ]),
        );
        return answered;
      },
    };
    const slices = createNodeSlices({
      bus,
      nodeId: 'n1',
      name: 'presence',
      expiryMs: 10_000,
      heartbeatMs: 20,
    });
    onTestCleanup(() => slices.close());
    slices.share('board', new Map([['c1', 'Ada']]));
    await vi.waitFor(() => expect(keepalivesAnswered).toBeGreaterThan(0));

    loseNextKeepalive = true;
    // The share() during that KEEPALIVE, then the heartbeat's own write after its answer 0.
    await vi.waitFor(() => expect(writes.length).toBeGreaterThanOrEqual(3));
    await Promise.all(writes);
    expect(await raw.hGetAll(bus.key('{presence:board}', 'node', 'n1'))).toEqual({
      c1: 'Ada',
      c2: 'Grace',
    });
  });

  it('PS2 a slice of a node of an earlier release, which leaves no last write, is read at every heartbeat', async () => {
    const raw = await connectRaw();
    const n1 = await startNode('o1');
    n1.slices.share('older', new Map([['c1', 'Ada']]));
    const tag = '{presence:older}';
    // The slice first: a read that finds a node without its slice takes it out of the index.
    await raw.hSet(`liveline:${tag}:node:o2`, 'c2', 'Grace');
    await raw.sAdd(`liveline:${tag}:nodes`, 'o2');
    await vi.waitFor(() =>
      expect(n1.slices.others('older')).toEqual([{ node: 'o2', fields: ['c2', 'Grace'] }]),
    );

    await raw.hSet(`liveline:${tag}:node:o2`, 'c2', 'Grace Hopper');
    await vi.waitFor(() =>
      expect(n1.slices.others('older')).toEqual([{ node: 'o2', fields: ['c2', 'Grace Hopper'] }]),
    );
  });

  it('PS1 slices keep reaching the other nodes while Redis is out of memory (OOM to the writes it refuses): a script whose first write does not grow memory runs whole', async () => {
    const raw = await connectRaw();
    const [n1, n2] = [await startNode('m1'), await startNode('m2')];
    await raw.configSet('maxmemory', '1');
    onTestCleanup(() => raw.configSet('maxmemory', '0'));
    n1.slices.share('full', new Map([['c1', 'Ada']]));
    n2.slices.share('full', new Map([['c2', 'Grace']]));
    await vi.waitFor(() =>
      expect(n1.slices.others('full')).toEqual([{ node: 'm2', fields: ['c2', 'Grace'] }]),
    );
    n2.slices.share('full', new Map([['c2', 'Grace Hopper']]));
    await vi.waitFor(() =>
      expect(n1.slices.others('full')).toEqual([{ node: 'm2', fields: ['c2', 'Grace Hopper'] }]),
    );
  });
});
