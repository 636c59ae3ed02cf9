import { describe, expect, it, vi } from 'vitest';
import { BrokerError } from '../errors.js';
import {
  frameOf,
  publishRange,
  received,
  useRedisBrokerNodes,
} from '../test-utils/redisBrokerNodes.js';
import { redisUserWithoutChannels } from '../test-utils/redisUserWithoutChannels.js';
import { redisUserWithoutPublish } from '../test-utils/redisUserWithoutPublish.js';

const brokers = useRedisBrokerNodes();
const { nodes } = brokers;

/** A node at `url` (an ACL user's), and the events it logged. */
const nodeOf = async (url: string) => {
  const logged: string[] = [];
  const [a] = await nodes(1, {
    urls: [url],
    logLine: (line) => logged.push((JSON.parse(line) as { event: string }).event),
  });
  if (!a) throw new Error('a node expected');
  return { a, logged };
};

describe('Redis broker refusals (NOPERM: the ACL user lacks a right)', () => {
  it("S2 a SUBSCRIBE Redis refuses (NOPERM: an ACL user without rights on the room's channel) is sent once: the join fails with a BrokerError naming it, the broker is degraded by the refusal (logged once) but still takes writes and asks again at the next join, which once the rights are granted is confirmed and ends it", async () => {
    const user = await redisUserWithoutChannels(brokers.redis);
    const { a, logged } = await nodeOf(user.url);
    const room = 'board:refused';
    const leave = a.subscribe(room, 'ordered', () => undefined);
    const refused = a.subscribed?.(room);
    await expect(refused).rejects.toBeInstanceOf(BrokerError);
    await expect(refused).rejects.toThrow(/NOPERM/);
    leave();
    expect(await user.refusedSubscribes()).toBe(1);
    expect(a.status()).toEqual({
      ok: false,
      cause: 'refused',
      error: expect.stringMatching(/^redis: NOPERM/) as unknown,
    });
    await user.grantChannels();
    a.subscribe(room, 'ordered', () => undefined);
    await a.subscribed?.(room);
    expect(a.status()).toEqual({ ok: true });
    expect(logged).toEqual(['broker.error', 'broker.recovered']);
  });

  it("S2 a publish whose PUBLISH Redis refuses (NOPERM on the room's channel) degrades the broker until a publish on that channel works once granted; another room's channel working meanwhile does not end it", async () => {
    const user = await redisUserWithoutChannels(brokers.redis);
    const [a] = await nodes(1, { urls: [user.url] });
    if (!a) throw new Error('a node expected');
    const room = 'board:unpublished';
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    await expect(a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(/publish/);
    expect(a.status()).toMatchObject({ ok: false, cause: 'refused' });
    await user.grantChannels();
    const other = 'board:other';
    a.subscribe(other, 'ordered', () => undefined);
    await a.subscribed?.(other);
    expect(a.status()).toMatchObject({ ok: false, cause: 'refused' });
    await a.publish(room, { seq: 2, epoch: 'e1' }, frameOf(2));
    expect(a.status()).toEqual({ ok: true });
  });

  it('S2 a publish whose PUBLISH Redis refused keeps its XADD (a script does not roll back): a node subscribed with the rights gets the event at its position check, and a retry is answered duplicate, which published nothing and so ends no refusal', async () => {
    const user = await redisUserWithoutChannels(brokers.redis);
    const [a, b] = await nodes(2, { urls: [user.url] });
    if (!a || !b) throw new Error('two nodes expected');
    const room = 'board:retried';
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    const got = received(b, room);
    await b.subscribed?.(room);
    await expect(a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).rejects.toThrow(/publish/);
    await vi.waitFor(() => expect(got).toEqual([1]));
    expect(await a.publish(room, { seq: 1, epoch: 'e1' }, frameOf(1))).toBe('duplicate');
    expect(a.status()).toMatchObject({ ok: false, cause: 'refused' });
    await user.grantChannels();
    await publishRange(a, room, 2, 2);
    expect(a.status()).toEqual({ ok: true });
    await vi.waitFor(() => expect(got).toEqual([1, 2]));
  });

  it('S2 a user refused a command only some calls run (PUBLISH) keeps the node degraded while its publishes are refused, whatever other calls work meanwhile, logged once; a publish that works once granted ends it', async () => {
    const user = await redisUserWithoutPublish(brokers.redis);
    const { a, logged } = await nodeOf(user.url);
    const room = 'board:nopublish';
    await a.seed(room, { epoch: 'e1', headSeq: 0, entries: [] });
    for (const seq of [1, 2]) {
      await expect(a.publish(room, { seq, epoch: 'e1' }, frameOf(seq))).rejects.toThrow(/publish/);
      await a.window(room);
      expect(a.status()).toMatchObject({ ok: false, cause: 'refused' });
    }
    await user.grantPublish();
    await publishRange(a, room, 3, 3);
    expect(a.status()).toEqual({ ok: true });
    expect(logged).toEqual(['broker.error', 'broker.recovered']);
  });
});
