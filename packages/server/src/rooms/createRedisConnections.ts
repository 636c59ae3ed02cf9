import { createClient, ErrorReply } from 'redis';
import type { RedisDeadlines } from '../config/redisDeadlines.js';
import { redisClientOptions } from './redisClientOptions.js';
import { failsCallOnly, redisOutageHandler } from './redisOutageHandler.js';

const connection = (url: string, deadlines?: RedisDeadlines) =>
  createClient(redisClientOptions(url, deadlines));
type RedisClient = ReturnType<typeof connection>;

/** Options of {@link createRedisConnections}. */
export interface RedisConnectionsOptions {
  /** `redis://host:port` (Redis ≥ 6.2). */
  readonly url: string;
  /** How long the connections wait for Redis. @default REDIS_DEADLINES */
  readonly deadlines?: RedisDeadlines;
  /** Hears the failure that started an outage, once until it is over. */
  readonly onOutage: (error: unknown) => void;
  /** Hears that an outage is over: both connections serve again. */
  readonly onRecovered: () => void;
}

/** A cluster node's command and subscriber connections to Redis, made by {@link createRedisConnections}. */
export interface RedisConnections {
  readonly commands: RedisClient;
  /** Settles once both are connected, or after 2 s without Redis (an outage then; they keep trying). */
  readonly ready: Promise<void>;
  /**
   * Whether Redis serves the node now: both connections up and no outage since (a connection that
   * is back counts once a PING on it is answered, not while Redis answers LOADING or BUSY).
   */
  serves(): boolean;
  /** `reply`, as a call on the command connection: a failure is an outage unless Redis answered it. */
  call<T>(reply: Promise<T>): Promise<T>;
  /**
   * Subscribes `listener` to `channel`; settles once Redis confirmed it. A SUBSCRIBE lost with its
   * connection (node-redis renews only confirmed subscriptions) is sent again once the subscriber
   * is back, and one Redis answered `LOADING` or `BUSY` once it serves again, until it is
   * confirmed or {@link RedisConnections.unsubscribe} is called. One Redis answered with another
   * error (`NOPERM`: an ACL user without rights on the channel) is not sent again, since it would
   * be answered the same at once: it rejects with that `ErrorReply`.
   */
  subscribe(channel: string, listener: (message: string) => void): Promise<void>;
  unsubscribe(channel: string): Promise<void>;
  /** Calls `listener` each time the subscriber is connected again: what was published meanwhile was lost. */
  onResubscribed(listener: () => void): void;
  close(): Promise<void>;
}

/**
 * Connects to Redis the way every part of a cluster node does (the broker, the latest bus): the
 * client options of {@link redisClientOptions}, failures handled by {@link redisOutageHandler},
 * and an outage over only once both connections are back, since a call that succeeds proves one.
 */
export function createRedisConnections(options: RedisConnectionsOptions): RedisConnections {
  let down = false;
  // An outage is reported by what started it, not by what followed (the commands a dropped
  // connection rejects, the reconnects refused).
  const failed = (error: unknown): void => {
    if (down) return;
    down = true;
    options.onOutage(error);
  };
  const commands = connection(options.url, options.deadlines);
  const subscriber = commands.duplicate({ disableOfflineQueue: false });
  const commandsFailed = redisOutageHandler(commands, failed);
  const subscriberFailed = redisOutageHandler(subscriber, failed);
  commands.on('error', commandsFailed);
  subscriber.on('error', subscriberFailed);
  /** Subscriptions not confirmed yet, and whether their SUBSCRIBE was lost. */
  const unconfirmed = new Map<
    string,
    {
      listener: (message: string) => void;
      confirmed: () => void;
      refused: (reply: ErrorReply) => void;
      lost: boolean;
    }
  >();
  const send = (channel: string): void => {
    const entry = unconfirmed.get(channel);
    if (!entry) return;
    entry.lost = false;
    subscriber.subscribe(channel, entry.listener).then(
      () => {
        if (unconfirmed.get(channel) !== entry) return;
        unconfirmed.delete(channel);
        entry.confirmed();
      },
      (cause: unknown) => {
        if (unconfirmed.get(channel) !== entry) return;
        if (failsCallOnly(cause)) {
          unconfirmed.delete(channel);
          entry.refused(cause);
          return;
        }
        entry.lost = true;
        // Redis cannot serve now (LOADING, BUSY): an outage, whose end sends it again.
        if (cause instanceof ErrorReply) subscriberFailed(cause);
        // Lost after the subscriber was back: the next 'ready' would be too late.
        else if (subscriber.isReady) send(channel);
      },
    );
  };
  const sendLost = (): void => {
    for (const [channel, entry] of unconfirmed) if (entry.lost) send(channel);
  };
  const recovered = (): void => {
    if (!down || !commands.isReady || !subscriber.isReady) return;
    down = false;
    options.onRecovered();
    sendLost();
  };
  const resubscribed: (() => void)[] = [];
  let connectedOnce = false;
  subscriber.on('ready', () => {
    sendLost();
    if (connectedOnce) for (const listener of resubscribed) listener();
    connectedOnce = true;
  });
  // 'ready' follows the handshake, which a Redis still loading its dataset after a restart answers
  // (only data commands and PINGs get LOADING): a PING answered shows that it serves.
  const serving = (client: RedisClient, clientFailed: (error: unknown) => void) =>
    client.ping().then(
      () => (recovered(), true),
      (cause: unknown) => (clientFailed(cause), false),
    );
  /** The answer to the PING each connection got when it was last ready. */
  const pinged = new Map<RedisClient, Promise<boolean>>();
  // Over as soon as both connections are back and Redis serves, not only at the next call; a PING
  // answered ends an outage Redis answered (LOADING, BUSY) on a connection that stayed up.
  for (const [client, clientFailed] of [
    [commands, commandsFailed],
    [subscriber, subscriberFailed],
  ] as const) {
    client.on('ready', () => void pinged.set(client, serving(client, clientFailed)));
    client.on('ping-interval', recovered);
  }

  // A node may start before its Redis, or while it loads: it serves (degraded) and is healthy
  // once Redis serves. 'ready' comes before connect() settles, so its PINGs are sent by then.
  const connected = Promise.all([commands.connect(), subscriber.connect()]).then(
    async () => (await Promise.all([pinged.get(commands), pinged.get(subscriber)])).every(Boolean),
    (cause: unknown) => (failed(cause), false),
  );
  const startupWait = new Promise<false>((resolve) =>
    setTimeout(() => resolve(false), 2000).unref(),
  );
  return {
    commands,
    ready: Promise.race([connected, startupWait]).then((up) => {
      if (!up) failed(new Error('not connected'));
    }),
    serves: () => !down && commands.isReady && subscriber.isReady,
    call: (reply) =>
      reply.then(
        (value) => (recovered(), value),
        (cause: unknown) => {
          commandsFailed(cause);
          throw cause;
        },
      ),
    subscribe(channel, listener) {
      return new Promise<void>((confirmed, refused) => {
        unconfirmed.set(channel, { listener, confirmed, refused, lost: false });
        send(channel);
      });
    },
    unsubscribe(channel) {
      unconfirmed.delete(channel);
      return subscriber.unsubscribe(channel);
    },
    onResubscribed: (listener) => void resubscribed.push(listener),
    async close() {
      // close() waits for replies, which a Redis that is away never sends: then cut the sockets.
      const closed = Promise.allSettled([commands.close(), subscriber.close()]).then(() => true);
      const late = new Promise<false>((resolve) => setTimeout(() => resolve(false), 1000).unref());
      if (await Promise.race([closed, late])) return;
      for (const client of [commands, subscriber]) if (client.isOpen) client.destroy();
    },
  };
}
