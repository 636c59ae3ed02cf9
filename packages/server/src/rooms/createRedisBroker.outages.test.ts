import { describe, expect, it, vi } from 'vitest';
import { BrokerError } from '../errors.js';
import type { RedisBroker } from './createRedisBroker.js';
import { startRedis } from '../test-utils/engines/startRedis.js';
import { onTestCleanup } from '../test-utils/index.js';
import {
  SHORT_DEADLINES,
  frameOf,
  publishRange,
  received,
  upTo,
  useRedisBrokerNodes,
} from '../test-utils/redisBrokerNodes.js';
import { startLaggingProxy } from '../test-utils/startLaggingProxy.js';

const brokers = useRedisBrokerNodes();
const { nodes, admin, writerAndListener } = brokers;

/**
 * Seeds `room` on `node`, then makes its stream key hold a string: every script reading or
 * appending to it (a publish's XADD, a history read) is answered WRONGTYPE.
 */
const wrongTypeRoom = async (node: RedisBroker, room: string) => {
  await node.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
  const client = await admin();
  const [meta] = await client.keys(`*{${room}}:meta`);
  const stream = String(meta).replace(/:meta$/, ':stream');
  await client.set(stream, 'not a stream');
  return { client, stream };
};

describe('Redis broker outages', () => {
  it("S2 a script's error reply fails that call only: the broker stays healthy, and the room's next write goes through once the error is gone", async () => {
    const [a] = await nodes(1);
    if (!a) throw new Error('a node expected');
    const room = 'board:wrongtype';
    const { client, stream } = await wrongTypeRoom(a, room);
    await expect(a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(/WRONGTYPE/);
    expect(a.status()).toEqual({ ok: true });
    await client.del(stream);
    await publishRange(a, room, 1, 1);
  });

  it("S2 a join's history read answered an error reply that is no outage (WRONGTYPE: a key of the room holds another type) is logged once at warn per room and reply however often it fails, and again after the room served; a publish's is left to the event log", async () => {
    const logged: { event: string; level: string }[] = [];
    const [a] = await nodes(1, { logLine: (line) => logged.push(JSON.parse(line) as never) });
    if (!a) throw new Error('a node expected');
    const room = 'board:wrongtype-reads';
    const { client, stream } = await wrongTypeRoom(a, room);
    await expect(a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(/WRONGTYPE/);
    for (const _ of [1, 2]) await expect(a.window(room)).rejects.toThrow(/WRONGTYPE/);
    await client.del(stream);
    await publishRange(a, room, 1, 1);
    await client.set(stream, 'not a stream');
    await expect(a.window(room)).rejects.toThrow(/WRONGTYPE/);
    expect(logged.map(({ event, level }) => `${level} ${event}`)).toEqual([
      'warn broker.call_failed',
      'warn broker.call_failed',
    ]);
  });

  it('S2 Redis busy running a script past its time limit (BUSY to every call, PINGs too): the broker reports it by its PINGs, a publish is refused, and once the script is killed the broker is healthy again by itself', async () => {
    const [a] = await nodes(1, { deadlines: SHORT_DEADLINES });
    if (!a) throw new Error('a node expected');
    const room = 'board:busy';
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    const client = await admin();
    await client.configSet('busy-reply-threshold', '10');
    onTestCleanup(() => client.configSet('busy-reply-threshold', '5000'));
    const script = (await admin()).eval('while true do end').catch((error: unknown) => error);
    await vi.waitFor(() =>
      expect(a.status()).toMatchObject({
        ok: false,
        error: expect.stringMatching(/BUSY/) as unknown,
      }),
    );
    await expect(a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(/BUSY/);
    await client.scriptKill();
    expect(String(await script)).toMatch(/killed/);
    await vi.waitFor(() => expect(a.status()).toEqual({ ok: true }));
    await publishRange(a, room, 1, 1);
  });

  it('S2 Redis out of memory (OOM to every write, and every script writes): the broker says degraded naming it, yet takes writes, and is healthy again once Redis runs a script', async () => {
    const { a, got } = await writerAndListener('board:full');
    const client = await admin();
    await client.configSet('maxmemory', '1');
    onTestCleanup(() => client.configSet('maxmemory', '0'));
    await expect(a.publish('board:full', { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(
      /OOM/,
    );
    const full = {
      ok: false,
      cause: 'out_of_memory',
      error: expect.stringMatching(/OOM/) as unknown,
    };
    expect(a.status()).toMatchObject(full);
    await expect(a.window('board:full')).rejects.toThrow(/OOM/);
    expect(a.status()).toMatchObject(full);
    await client.configSet('maxmemory', '0');
    await publishRange(a, 'board:full', 1, 1);
    expect(a.status()).toEqual({ ok: true });
    await vi.waitFor(() => expect(got).toEqual([1]));
  });

  it('S2 Redis out of memory, and a connection lost meanwhile: each cause is logged once as it starts and once as it ends, naming it, and the out-of-memory state outlives the outage', async () => {
    const logged: { event: string; cause?: string }[] = [];
    const [a] = await nodes(1, {
      logLine: (line) => {
        const { event, cause } = JSON.parse(line) as { event: string; cause?: string };
        if (event.startsWith('broker.')) logged.push({ event, ...(cause && { cause }) });
      },
    });
    if (!a) throw new Error('a node expected');
    const room = 'board:full-and-cut';
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    a.subscribe(room, 'ordered', () => undefined);
    await a.subscribed?.(room);
    const client = await admin();
    await client.configSet('maxmemory', '1');
    onTestCleanup(() => client.configSet('maxmemory', '0'));
    await expect(a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(/OOM/);
    await client.sendCommand(['CLIENT', 'KILL', 'TYPE', 'pubsub']);
    await vi.waitFor(() => expect(logged).toHaveLength(3));
    expect(a.status()).toMatchObject({ ok: false, error: expect.stringMatching(/OOM/) as unknown });
    await client.configSet('maxmemory', '0');
    await publishRange(a, room, 1, 1);
    expect(logged).toEqual([
      { event: 'broker.error', cause: 'out_of_memory' },
      { event: 'broker.error', cause: 'outage' },
      { event: 'broker.recovered', cause: 'outage' },
      { event: 'broker.recovered', cause: 'out_of_memory' },
    ]);
    expect(a.status()).toEqual({ ok: true });
  });

  it('S2 Redis stopped (SIGSTOP) with its sockets open: a publish is refused within the reply deadline, both nodes report the timeout, and once Redis answers again they are healthy and the listener gets every event once, in order', async () => {
    const room = 'board:stopped';
    const { a, b, got } = await writerAndListener(room, { deadlines: SHORT_DEADLINES });
    await publishRange(a, room, 1, 2);
    await brokers.redis.freeze(async () => {
      const started = performance.now();
      await expect(a.publish(room, { seq: 3, epoch: 'e1' }, frameOf(3))).rejects.toBeInstanceOf(
        BrokerError,
      );
      expect(performance.now() - started).toBeLessThan(1_000);
      // Node B sends no command: its PINGs find that Redis stopped answering.
      for (const node of [a, b])
        await vi.waitFor(() =>
          expect(node.status()).toMatchObject({
            ok: false,
            error: expect.stringMatching(/time/i) as unknown,
          }),
        );
    });
    await vi.waitFor(() => expect([a.status(), b.status()]).toEqual([{ ok: true }, { ok: true }]), {
      timeout: 5_000,
    });
    // Redis may have run the publish it did not answer in time.
    expect(['ok', 'duplicate']).toContain(
      await a.publish(room, { seq: 3, epoch: 'e1' }, frameOf(3)),
    );
    await publishRange(a, room, 4, 5);
    await vi.waitFor(() => expect(got).toEqual(upTo(5)), { timeout: 5_000 });
  });

  it('S2 a command connection Redis stops answering on while writes keep coming (it stays open, as behind a lost NAT entry) is dropped at the first missed reply and made again: the broker is healthy again without it', async () => {
    const proxy = await startLaggingProxy(brokers.redis.port, 'EVALSHA', 0, 'replies');
    const [a] = await nodes(1, {
      urls: [`redis://127.0.0.1:${proxy.port}`],
      deadlines: SHORT_DEADLINES,
    });
    if (!a) throw new Error('a node expected');
    const room = 'board:partitioned';
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    proxy.mute();
    await expect(a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(/timed out/);
    expect(a.status()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/timed out/) as unknown,
    });
    // Writes every 50 ms keep the muted socket from ever falling silent.
    const writer = setInterval(() => void a.window(room).catch(() => undefined), 50);
    onTestCleanup(() => clearInterval(writer));
    await vi.waitFor(() => expect(a.status()).toEqual({ ok: true }), { timeout: 5_000 });
    // The unanswered publish reached Redis (only its reply was lost).
    expect(await a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).toBe('duplicate');
    await publishRange(a, room, 2, 2);
  });

  it('a subscriber connection that stays up but delivers nothing (as behind a lost NAT entry) is found by its PING and made again: the node reports it meanwhile, then confirms joins to rooms new to it, and its listener gets every event once, in order', async () => {
    const proxy = await startLaggingProxy(brokers.redis.port, 'subscribe', 0, 'replies');
    const logged: string[] = [];
    const room = 'board:deaf';
    const { a, b, got } = await writerAndListener(room, {
      urls: [brokers.redis.url, `redis://127.0.0.1:${proxy.port}`],
      deadlines: SHORT_DEADLINES,
      logLine: (line) => logged.push(line),
    });
    await publishRange(a, room, 1, 2);
    await vi.waitFor(() => expect(got).toEqual(upTo(2)));
    proxy.mute();
    await publishRange(a, room, 3, 4);
    // Node A's connections are fine: the outage logged is node B's.
    const outage = () =>
      logged
        .map((line) => JSON.parse(line) as { event: string; error?: string })
        .filter(({ event }) => event === 'broker.error' || event === 'broker.recovered');
    await vi.waitFor(() =>
      expect(outage().map(({ event }) => event)).toEqual(['broker.error', 'broker.recovered']),
    );
    expect(outage()[0]?.error).toMatch(/time/i);
    expect(b.status()).toEqual({ ok: true });
    b.subscribe('board:new', 'ordered', () => undefined);
    await b.subscribed?.('board:new');
    await publishRange(a, room, 5, 6);
    await vi.waitFor(() => expect(got).toEqual(upTo(6)));
  });

  it('a SUBSCRIBE in flight when its connection drops is sent again once the subscriber is back: the join is confirmed, and its listener gets every event published since, once, in order', async () => {
    const room = 'board:in-flight';
    // Node B's SUBSCRIBE to the room waits 200 ms in the proxy: its connection is cut meanwhile.
    const proxy = await startLaggingProxy(brokers.redis.port, room, 200);
    const [a, b] = await brokers.twoNodes(proxy.port);
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    const got = received(b, room);
    await vi.waitFor(() => expect(proxy.cut()).toBe(1), { interval: 10 });
    await publishRange(a, room, 1, 2);
    await vi.waitFor(() => expect(b.status()).toEqual({ ok: true }));
    await b.subscribed?.(room);
    await publishRange(a, room, 3, 4);
    await vi.waitFor(() => expect(got).toEqual([3, 4]));
  });

  it('S2 a node whose subscriber connection dropped is healthy again only once it is back, and then at once: a call the command connection answers meanwhile does not end the outage, and no call or PING is needed after', async () => {
    const room = 'board:both';
    // The subscriber's SUBSCRIBE to the room waits 500 ms in the proxy, also on its new connection.
    const proxy = await startLaggingProxy(brokers.redis.port, `{${room}}:events`, 500);
    const [a] = await nodes(1, {
      urls: [`redis://127.0.0.1:${proxy.port}`],
      deadlines: { replyMs: 2_000, pingIntervalMs: 60_000 },
    });
    if (!a) throw new Error('a node expected');
    a.subscribe(room, 'ordered', () => undefined);
    await a.subscribed?.(room);
    expect(proxy.cut()).toBe(1);
    await vi.waitFor(() => expect(a.status()).toMatchObject({ ok: false }));
    expect(await a.window(room)).toBeNull();
    expect(a.status()).toMatchObject({ ok: false });
    await vi.waitFor(() => expect(a.status()).toEqual({ ok: true }), { timeout: 3_000 });
  });

  it('S2 Redis restarted loading its dataset (it takes connections and answers LOADING to data commands and PINGs): a node stays degraded from the moment it is connected again, or started, until Redis serves', async () => {
    const redis = await startRedis();
    onTestCleanup(() => redis.stop());
    const logged: string[] = [];
    const [a] = await nodes(1, {
      urls: [redis.url],
      // No PING comes by during the test: only what the node does at its reconnect counts.
      deadlines: { replyMs: 2_000, pingIntervalMs: 60_000 },
      logLine: (line) => logged.push((JSON.parse(line) as { event: string }).event),
    });
    if (!a) throw new Error('a node expected');
    const room = 'board:loading';
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    a.subscribe(room, 'ordered', () => undefined);
    await a.subscribed?.(room);
    const filler = await admin(redis.url);
    // 2000 keys of 1 KiB, each loaded 5 ms apart: loading lasts 10 s unless the test ends it.
    const value = 'x'.repeat(1024);
    await Promise.all(upTo(2000).map((i) => filler.set(`filler:${i}`, value)));
    await filler.sendCommand(['SAVE']);
    filler.destroy();
    await redis.restartLoading(5_000);
    const loading = await admin(redis.url);
    // Both of the node's connections finished their handshake (HELLO 3) and the subscriber renewed
    // its subscription; the admin's own connection is the third.
    await vi.waitFor(async () => {
      const normal = await loading.clientList({ TYPE: 'NORMAL' });
      expect(normal.filter(({ resp }) => resp === 3)).toHaveLength(2);
      expect(await loading.clientList({ TYPE: 'PUBSUB' })).toHaveLength(1);
    });
    expect(a.status()).toMatchObject({ ok: false });
    // A node that starts meanwhile is degraded as soon as it is ready.
    const [late] = await nodes(1, { urls: [redis.url] });
    expect(late?.status()).toMatchObject({
      ok: false,
      error: expect.stringMatching(/LOADING/) as unknown,
    });
    await loading.configSet('key-load-delay', '0');
    logged.push('loaded');
    await vi.waitFor(() => a.window(room));
    expect(a.status()).toEqual({ ok: true });
    await vi.waitFor(() => expect(late?.status()).toEqual({ ok: true }), { timeout: 3_000 });
    expect(logged).toEqual(['broker.error', 'loaded', 'broker.recovered']);
  });

  it('Redis killed and restarted empty: calls reject fast with a BrokerError, the status names it, and it recovers by itself', async () => {
    const { a, got } = await writerAndListener('board:r');
    await publishRange(a, 'board:r', 1, 2);
    await brokers.redis.restart(async () => {
      const started = performance.now();
      await expect(
        a.publish('board:r', { seq: 3, epoch: 'e1' }, frameOf(3)),
      ).rejects.toBeInstanceOf(BrokerError);
      expect(performance.now() - started).toBeLessThan(500);
      const status = a.status();
      expect(status.ok).toBe(false);
      expect(!status.ok && status.error).toMatch(/^redis: /);
    });
    const stored = upTo(3).map((seq) => ({ seq, frame: frameOf(seq), at: Date.now() }));
    await vi.waitFor(() => a.seed('board:r', { epoch: 'e1', headSeq: 3, entries: stored }), {
      timeout: 5_000,
    });
    await publishRange(a, 'board:r', 4, 5);
    await vi.waitFor(() => expect(got).toEqual(upTo(5)), { timeout: 5_000 });
    expect(a.status()).toEqual({ ok: true });
  });
});
