import { createClient } from 'redis';
import { describe, expect, it, vi } from 'vitest';
import { createLogger, type Logger } from '../log/createLogger.js';
import { createBrokerHealth } from '../rooms/createBrokerHealth.js';
import { startRedis } from '../test-utils/engines/startRedis.js';
import { onTestCleanup } from '../test-utils/index.js';
import { SHORT_DEADLINES } from '../test-utils/redisBrokerNodes.js';
import { startLaggingProxy } from '../test-utils/startLaggingProxy.js';
import { redisUserWithoutChannels } from '../test-utils/redisUserWithoutChannels.js';
import { redisUserWithoutPublish } from '../test-utils/redisUserWithoutPublish.js';
import { createRedisLatestBus, type RedisLatestBusOptions } from './createRedisLatestBus.js';

/** A Redis of the test's own, stopped after it. */
const testRedis = async () => {
  const redis = await startRedis();
  onTestCleanup(() => redis.stop());
  return redis;
};

/** A bus (silent unless given a log) once ready, closed after the test. */
const readyBus = async (options: Omit<RedisLatestBusOptions, 'log'> & { log?: Logger }) => {
  const bus = createRedisLatestBus({ log: createLogger('silent'), ...options });
  onTestCleanup(() => bus.close());
  await bus.ready;
  return bus;
};

describe('Redis latest bus', () => {
  it('a command connection Redis stops answering on while publishes keep coming (it stays open, as behind a lost NAT entry) fails them at the reply deadline, is made again, and its publishes are answered again', async () => {
    const redis = await testRedis();
    const proxy = await startLaggingProxy(redis.port, 'PUBLISH', 0, 'replies');
    const bus = await readyBus({
      url: `redis://127.0.0.1:${proxy.port}`,
      deadlines: { replyMs: 300, pingIntervalMs: 100 },
    });
    const channel = bus.key('values');
    const got: string[] = [];
    bus.subscribe(channel, (message) => got.push(message));
    await vi.waitFor(async () => {
      await bus.publish(channel, 'before');
      expect(got).toContain('before');
    });
    proxy.mute();
    await expect(bus.publish(channel, 'lost reply')).rejects.toThrow(/timed out/);
    // Publishes every 50 ms keep the muted socket from ever falling silent.
    const publisher = setInterval(
      () => void bus.publish(channel, 'after').catch(() => undefined),
      50,
    );
    onTestCleanup(() => clearInterval(publisher));
    // A PUBLISH on the muted connection still reaches Redis: only an answered one shows a new connection.
    await vi.waitFor(() => bus.publish(channel, 'answered'), { timeout: 5_000 });
    await vi.waitFor(() => expect(got).toContain('answered'));
    expect(bus.connected()).toBe(true);
  });

  it('a SUBSCRIBE in flight when its connection drops is sent again once the subscriber is back: later messages reach the listener', async () => {
    const redis = await testRedis();
    // The subscriber's SUBSCRIBE waits 200 ms in the proxy: its connection is cut meanwhile.
    const proxy = await startLaggingProxy(redis.port, 'in-flight', 200);
    const bus = await readyBus({
      url: `redis://127.0.0.1:${proxy.port}`,
    });
    const channel = bus.key('in-flight');
    const got: string[] = [];
    bus.subscribe(channel, (message) => got.push(message));
    await vi.waitFor(() => expect(proxy.cut()).toBe(1), { interval: 10 });
    await vi.waitFor(
      async () => {
        await bus.publish(channel, 'after');
        expect(got).toContain('after');
      },
      { timeout: 3_000 },
    );
  });

  it('a SUBSCRIBE Redis refuses (NOPERM: an ACL user without rights on the channel) is reported as a refusal, logged once, and not sent again at once', async () => {
    const redis = await testRedis();
    const user = await redisUserWithoutChannels(redis);
    const logged: string[] = [];
    const bus = await readyBus({
      url: user.url,
      log: createLogger('info', (line) =>
        logged.push((JSON.parse(line) as { event: string }).event),
      ),
    });
    bus.subscribe(bus.key('refused'), () => undefined);
    await vi.waitFor(() => expect(logged).toEqual(['broker.error']));
    // A round trip more: a SUBSCRIBE sent again at once would have reached Redis by now.
    await bus.script("return 'ok'", [], []);
    expect(await user.refusedSubscribes()).toBe(1);
  });

  it('S2 a PUBLISH Redis refuses (the user lacks the command) keeps the node degraded while a script of the bus works meanwhile, until a publish works once granted', async () => {
    const redis = await testRedis();
    const user = await redisUserWithoutPublish(redis);
    const health = createBrokerHealth(createLogger('silent'));
    const bus = await readyBus({
      url: user.url,
      refusals: health,
    });
    await expect(bus.publish(bus.key('anchor'), 'v1')).rejects.toThrow(/NOPERM/);
    await bus.script("return 'ok'", [], []);
    expect(health.status()).toMatchObject({ ok: false, cause: 'refused' });
    await user.grantPublish();
    await bus.publish(bus.key('anchor'), 'v2');
    expect(health.status()).toEqual({ ok: true });
  });

  it('TA2 the bus is connected (the anchor commits a transport command) only while Redis serves: not while it answers BUSY (a script past its time limit), found by its PINGs, and again once the script is killed', async () => {
    const redis = await testRedis();
    const bus = await readyBus({
      url: redis.url,
      deadlines: SHORT_DEADLINES,
    });
    expect(bus.connected()).toBe(true);
    const runner = createClient({ url: redis.url });
    await runner.connect();
    onTestCleanup(() => runner.destroy());
    await runner.configSet('busy-reply-threshold', '10');
    const script = runner.eval('while true do end').catch((error: unknown) => error);
    // Found by the bus's PINGs, answered BUSY.
    await vi.waitFor(() => expect(bus.connected()).toBe(false));
    const killer = runner.duplicate();
    await killer.connect();
    onTestCleanup(() => killer.destroy());
    await killer.scriptKill();
    expect(String(await script)).toMatch(/killed/);
    await vi.waitFor(() => expect(bus.connected()).toBe(true));
  });
});
