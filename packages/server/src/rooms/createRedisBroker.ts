import type { HistoryWindow } from '@liveline/protocol';
import { ErrorReply } from 'redis';
import { BrokerError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { Broker, PublishResult, RangeRead } from './Broker.js';
import type { HistoryLimits } from './createMemoryBroker.js';
import {
  createBrokerHealth,
  type BrokerRefusals,
  type BrokerStatus,
} from './createBrokerHealth.js';
import { createLocalListeners } from './createLocalListeners.js';
import { createRedisConnections } from './createRedisConnections.js';
import { entriesThrough } from './entriesThrough.js';
import { SUBSCRIBE_CONFIRM_MS, type RedisDeadlines } from '../config/redisDeadlines.js';
import { channelRight, failsCallOnly, refusedRight, servedRights } from './redisOutageHandler.js';
import {
  createRoomFeeds,
  type RoomEvent,
  type RoomHead,
  type RoomRange,
} from './createRoomFeeds.js';
import {
  DROP_NOTICE,
  DROP_SCRIPT,
  PUBLISH_SCRIPT,
  RANGE_SCRIPT,
  SEED_SCRIPT,
  WINDOW_SCRIPT,
} from './redisScripts.js';
import { createScriptRunner } from './runRedisScript.js';

/**
 * The scripts that publish on their room's channel: only their `ok` proves their rights, to the
 * channel and to the commands that publish (a publish answered `duplicate`, `gap` or `epoch` ran
 * neither its XADD nor its PUBLISH).
 */
const PUBLISHING_SCRIPTS = new Set([PUBLISH_SCRIPT, DROP_SCRIPT]);

/** Options of {@link createRedisBroker}. */
export interface RedisBrokerOptions {
  /** `redis://host:port` (Redis ≥ 6.2). */
  readonly url: string;
  /** Prefix of every key and channel, so that several deployments can share one Redis. @default 'liveline' */
  readonly prefix?: string;
  readonly limits: HistoryLimits;
  readonly now: () => number;
  /** The transport's encoder: every listener gets its bytes, encoded once per event on this node. */
  readonly encode: (text: string) => Buffer;
  readonly log: Logger;
  /** Period of the position check that repairs gaps of subscribed rooms, in ms. @default 1000 */
  readonly probeIntervalMs?: number;
  /** How long its connections wait for Redis. @default REDIS_DEADLINES */
  readonly deadlines?: RedisDeadlines;
  /** How long a join waits for Redis to confirm its room's subscription, in ms. @default SUBSCRIBE_CONFIRM_MS */
  readonly subscribeConfirmMs?: number;
}

/** A {@link Broker} on Redis, with its health and a way to close its connections. */
export interface RedisBroker extends Broker {
  /** Settles once connected, or after 2 s without Redis (it then serves degraded and keeps trying). */
  readonly ready: Promise<void>;
  status(): BrokerStatus;
  /** Where the node's other Redis connections (the latest bus) report what Redis refuses its user. */
  readonly refusals: BrokerRefusals;
  close(): Promise<void>;
}

type Reply = string | number | null | Reply[];

/**
 * The {@link Broker} of cluster mode: Redis mirrors each ordered room (a bounded Stream) and
 * carries its events between nodes (a pub/sub channel). One Lua script checks that a publish
 * follows the stream's head, appends, trims and publishes. A node subscribes only to rooms with
 * local listeners, tracks the last seq it delivered in each, and repairs its own gaps from the
 * stream (see createRoomFeeds). Latest rooms stay local to the node: subscribing to one sends
 * Redis nothing (the values that cross nodes have their own channels, e.g. the transport anchor's).
 * Commands are not queued while Redis is unreachable: they reject at once with a
 * {@link BrokerError}. A Redis that stops answering is an outage too: a command past its reply
 * deadline, or a PING on an idle connection, fails and that connection is made again.
 */
export function createRedisBroker(options: RedisBrokerOptions): RedisBroker {
  const { limits, now, encode, log } = options;
  const prefix = options.prefix ?? 'liveline';
  const health = createBrokerHealth(log);
  const redis = createRedisConnections({
    url: options.url,
    ...(options.deadlines && { deadlines: options.deadlines }),
    onOutage: (error) => health.begin('outage', error),
    onRecovered: () => health.end('outage'),
  });
  const { commands } = redis;

  const keys = (room: string): [string, string, string] => [
    `${prefix}:{${room}}:meta`,
    `${prefix}:{${room}}:stream`,
    `${prefix}:{${room}}:dropped`,
  ];
  const channelOf = (room: string): string => `${prefix}:{${room}}:events`;
  const trimArgs = (): string[] => [
    String(limits.maxEvents),
    String(limits.maxBytes),
    String(now() - limits.maxAgeMs),
    String(limits.maxAgeMs),
  ];
  const script = createScriptRunner(commands);
  /** Each room whose scripts fail, and the reply code logged for it by {@link logFailing}. */
  const failing = new Map<string, string>();
  /**
   * Logs an error reply that is no outage, OOM or refusal (a key of the room holding another type:
   * WRONGTYPE) once per room and reply code until a script of the room runs: it fails every join
   * of the room alike, and ws-client retries a join closed 1013.
   */
  const logFailing = (name: string, room: string, reply: Error): void => {
    const code = reply.message.split(' ', 1)[0] ?? '';
    if (failing.get(room) === code) return;
    failing.set(room, code);
    log.warn('broker.call_failed', { room, call: name, error: errorMessage(reply) });
  };
  const run = async (name: string, body: string, room: string, args: string[]): Promise<Reply> => {
    const publishes = PUBLISHING_SCRIPTS.has(body);
    try {
      const reply = (await redis.call(script(body, keys(room), args))) as Reply;
      // Every script writes (its trim): one that runs shows that Redis takes writes again.
      health.end('out_of_memory');
      // A publish answered otherwise (duplicate, gap, epoch) published nothing: it proves no right.
      if (!publishes || reply === 'ok')
        for (const right of servedRights(publishes ? channelOf(room) : null)) health.served(right);
      failing.delete(room);
      return reply;
    } catch (cause) {
      const right = refusedRight(cause, publishes ? channelOf(room) : null);
      if (cause instanceof ErrorReply && cause.message.startsWith('OOM'))
        health.begin('out_of_memory', cause);
      else if (right) health.refused(right, cause);
      // A failed publish is logged by the event log (event_log.publish_failed).
      else if (failsCallOnly(cause) && name !== 'publish') logFailing(name, room, cause);
      throw new BrokerError(`${name} ${room} failed: ${errorMessage(cause)}`, { cause });
    }
  };

  const readRange = async (room: string, afterSeq: number): Promise<RoomRange | null> => {
    const reply = await run('range', RANGE_SCRIPT, room, [String(afterSeq), ...trimArgs()]);
    if (!Array.isArray(reply)) return null;
    const [epoch, head, held, ...flat] = reply;
    if (held !== 'held') return { head: Number(head), events: null };
    const events: RoomEvent[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2)
      events.push({ seq: Number(flat[i]), epoch: String(epoch), frame: String(flat[i + 1]) });
    return { head: Number(head), events };
  };

  const readHead = async (room: string): Promise<RoomHead> => {
    const [meta, , marker] = keys(room);
    // Sent together, so one round trip.
    const [[head, epoch], dropped] = await redis.call(
      Promise.all([commands.hmGet(meta, ['head', 'epoch']), commands.get(marker)]),
    );
    return {
      head: head === null || head === undefined ? null : Number(head),
      epoch: epoch ?? null,
      dropped: dropped ?? null,
    };
  };

  const feeds = createRoomFeeds({
    encode,
    log,
    maxCached: limits.maxEvents,
    maxCachedBytes: limits.maxBytes,
    readHead,
    readRange,
    listen: (room, onEvent, onDropped) =>
      redis
        .subscribe(channelOf(room), (message) => {
          if (message === DROP_NOTICE) return onDropped();
          const first = message.indexOf(' ');
          const second = message.indexOf(' ', first + 1);
          onEvent({
            seq: Number(message.slice(0, first)),
            epoch: message.slice(first + 1, second),
            frame: message.slice(second + 1),
          });
        })
        .then(
          () => health.served(channelRight(channelOf(room))),
          (cause: unknown) => {
            // Redis answered the SUBSCRIBE with an error (NOPERM): the join is refused (S2).
            health.refused(channelRight(channelOf(room)), cause);
            throw new BrokerError(`subscribe ${room} refused: ${errorMessage(cause)}`, { cause });
          },
        ),
    unlisten: (room) => redis.unsubscribe(channelOf(room)),
  });
  // After a reconnect the subscriptions are renewed by the client; what was published meanwhile
  // is read back from the streams.
  redis.onResubscribed(() => feeds.repairAll());
  const probe = setInterval(() => feeds.repairAll(), options.probeIntervalMs ?? 1000);
  probe.unref();

  const latest = new Map<string, string>();
  const latestListeners = createLocalListeners();
  return {
    ready: redis.ready,
    status: () => health.status(),
    refusals: health,
    async seed(room, seed) {
      const entries = entriesThrough(seed.entries, seed.headSeq).flatMap((e) => [
        String(e.seq),
        e.frame,
        String(e.at),
      ]);
      await run('seed', SEED_SCRIPT, room, [
        seed.epoch,
        String(seed.headSeq),
        ...trimArgs(),
        ...entries,
      ]);
    },
    async publish(room, position, frame, options = {}): Promise<PublishResult> {
      const answered = run('publish', PUBLISH_SCRIPT, room, [
        position.epoch,
        String(position.seq),
        frame,
        String(now()),
        channelOf(room),
        ...trimArgs(),
      ]);
      // node-redis writes commands in setImmediate; delivering after it (setImmediate runs in
      // order) sends the script first, so the fan-out here overlaps Redis's answer instead of
      // waiting for it. The echo that follows is then a seq the feed already has.
      if (options.stored)
        setImmediate(() => feeds.offer(room, { seq: position.seq, epoch: position.epoch, frame }));
      const reply = await answered;
      if (reply === 'ok' || reply === 'duplicate' || reply === 'gap' || reply === 'epoch')
        return reply;
      throw new BrokerError(`publish ${room}: unexpected reply ${JSON.stringify(reply)}`);
    },
    async window(room): Promise<HistoryWindow | null> {
      const reply = await run('window', WINDOW_SCRIPT, room, trimArgs());
      if (!Array.isArray(reply)) return null;
      const [epoch, headSeq, oldestSeq] = reply;
      return { epoch: String(epoch), headSeq: Number(headSeq), oldestSeq: Number(oldestSeq) };
    },
    async since(room, afterSeq): Promise<RangeRead> {
      const events = (await readRange(room, afterSeq))?.events;
      return events
        ? { held: true, frames: events.map((e) => feeds.encoded(room, e)) }
        : { held: false };
    },
    async drop(room) {
      await run('drop', DROP_SCRIPT, room, [channelOf(room), String(limits.maxAgeMs)]);
    },
    setLatest(room, frame) {
      latest.set(room, frame);
      if (latestListeners.has(room)) latestListeners.deliver(room, encode(frame), null, null);
    },
    latest: (room) => latest.get(room),
    clearLatest: (room) => void latest.delete(room),
    subscribe: (room, delivery, listener, dropped) =>
      delivery === 'ordered'
        ? feeds.subscribe(room, listener, dropped)
        : latestListeners.add(room, listener),
    async subscribed(room) {
      const status = health.status();
      // Out of memory too: the join's history read runs a script that writes (its trim), which
      // Redis refuses then (S2). A refusal is not: the join asks Redis again, which ends it once
      // the rights are granted.
      if (!status.ok && status.cause !== 'refused')
        throw new BrokerError(`subscribe ${room} failed: ${status.error}`);
      // A Redis that goes away meanwhile confirms only once it is back: the join fails instead.
      let deadline: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        deadline = setTimeout(
          () => reject(new BrokerError(`subscribe ${room}: no confirmation`)),
          options.subscribeConfirmMs ?? SUBSCRIBE_CONFIRM_MS,
        ).unref();
      });
      // Cleared once confirmed: a join storm would otherwise hold a timer per join for seconds.
      await Promise.race([feeds.subscribed(room), late]).finally(() => clearTimeout(deadline));
    },
    subscriberCount: (room) => feeds.subscriberCount(room) + latestListeners.count(room),
    async close() {
      clearInterval(probe);
      await redis.close();
    },
  };
}
