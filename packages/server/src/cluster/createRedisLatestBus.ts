import { BrokerError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { createBrokerHealth, type BrokerRefusals } from '../rooms/createBrokerHealth.js';
import { createRedisConnections } from '../rooms/createRedisConnections.js';
import type { RedisDeadlines } from '../config/redisDeadlines.js';
import { channelRight, refusedRight, servedRights } from '../rooms/redisOutageHandler.js';
import { createScriptRunner } from '../rooms/runRedisScript.js';

/**
 * How long after Redis refused a SUBSCRIBE (NOPERM) the bus sends it again, in ms: granting the
 * rights then fixes the node without a restart, at one refused SUBSCRIBE per channel per period.
 */
const REFUSED_SUBSCRIBE_RETRY_MS = 2_000;

/** Options of {@link createRedisLatestBus}. */
export interface RedisLatestBusOptions {
  /** `redis://host:port` (Redis ≥ 6.2), the broker's. */
  readonly url: string;
  /** Prefix of every key and channel (the broker's). @default 'liveline' */
  readonly prefix?: string;
  readonly log: Logger;
  /** How long its connections wait for Redis. @default REDIS_DEADLINES */
  readonly deadlines?: RedisDeadlines;
  /**
   * Hears what Redis refuses the node's user (NOPERM) and what succeeds since: the broker's, so
   * that /health names it. @default a health of its own, which logs it
   */
  readonly refusals?: BrokerRefusals;
}

/**
 * The Redis connections that replicate latest rooms between cluster nodes (the transport anchor,
 * presence slices), apart from the broker's ordered rooms. Commands are not queued while Redis
 * is away: they reject at once, so that a change that cannot be replicated is refused fast. A
 * connection on which Redis stops answering (a command or PING past its deadline) is made again.
 */
export interface RedisLatestBus {
  /** Settles once connected, or after 2 s without Redis (it keeps trying). */
  readonly ready: Promise<void>;
  /** `prefix:part:part…`, a key or channel of this deployment. */
  key(...parts: string[]): string;
  /**
   * Whether Redis serves the node now, so a change published now reaches the other nodes: false
   * also while Redis answers LOADING or BUSY, as the broker counts it.
   */
  connected(): boolean;
  publish(channel: string, message: string): Promise<void>;
  /**
   * Delivers each message of `channel` to `listener` (the subscription is renewed after a drop). A
   * SUBSCRIBE Redis refuses (`NOPERM`) is reported to `refusals` and sent again every
   * {@link REFUSED_SUBSCRIBE_RETRY_MS} until confirmed or unsubscribed: meanwhile the callers'
   * periodic reads bring what its messages would have announced.
   */
  subscribe(channel: string, listener: (message: string) => void): void;
  unsubscribe(channel: string): void;
  /**
   * Runs a Lua script (EVALSHA, loading it when Redis does not know it); one that publishes names
   * the channel it publishes to, whose right its success proves and its refusal lacks.
   */
  script(
    body: string,
    keys: readonly string[],
    args: readonly string[],
    publishesTo?: string,
  ): Promise<unknown>;
  /** Calls `listener` after the subscriber reconnected: what was published meanwhile was lost. */
  onReconnect(listener: () => void): void;
  close(): Promise<void>;
}

/** Creates the {@link RedisLatestBus} of a cluster node: one command and one subscriber connection. */
export function createRedisLatestBus(options: RedisLatestBusOptions): RedisLatestBus {
  const { log } = options;
  const prefix = options.prefix ?? 'liveline';
  // The broker reports Redis in /health; this logs an outage once, not every failed command.
  const redis = createRedisConnections({
    url: options.url,
    ...(options.deadlines && { deadlines: options.deadlines }),
    onOutage: (error) =>
      log.warn('latest_bus.error', { engine: 'redis', error: errorMessage(error) }),
    onRecovered: () => undefined,
  });
  const { commands } = redis;
  const refusals = options.refusals ?? createBrokerHealth(log);
  const script = createScriptRunner(commands);
  /** The refused subscriptions waiting to be sent again. */
  const retries = new Map<string, NodeJS.Timeout>();
  const stopRetrying = (channel: string): void => {
    clearTimeout(retries.get(channel));
    retries.delete(channel);
  };
  const subscribe = (channel: string, listener: (message: string) => void): void => {
    stopRetrying(channel);
    // Settles only while subscribed: an unsubscribe drops the SUBSCRIBE's answer.
    redis.subscribe(channel, listener).then(
      () => refusals.served(channelRight(channel)),
      (error: unknown) => {
        refusals.refused(channelRight(channel), error);
        const retry = setTimeout(() => subscribe(channel, listener), REFUSED_SUBSCRIBE_RETRY_MS);
        retry.unref();
        retries.set(channel, retry);
      },
    );
  };
  /**
   * `reply` of a call that publishes to `channel` (`null`: none), whose success proves the
   * `rights` it needs.
   */
  const call = async <T>(
    what: string,
    channel: string | null,
    rights: readonly string[],
    reply: Promise<T>,
  ): Promise<T> => {
    try {
      const value = await redis.call(reply);
      for (const right of rights) refusals.served(right);
      return value;
    } catch (cause) {
      const refused = refusedRight(cause, channel);
      if (refused) refusals.refused(refused, cause);
      throw new BrokerError(`${what} failed: ${errorMessage(cause)}`, { cause });
    }
  };
  return {
    ready: redis.ready,
    key: (...parts) => [prefix, ...parts].join(':'),
    connected: () => redis.serves(),
    publish: async (channel, message) => {
      await call(
        `publish ${channel}`,
        channel,
        servedRights(channel, { script: false }),
        commands.publish(channel, message),
      );
    },
    subscribe,
    unsubscribe(channel) {
      stopRetrying(channel);
      redis
        .unsubscribe(channel)
        .catch((error: unknown) =>
          log.debug('latest_bus.unsubscribe_failed', { channel, error: errorMessage(error) }),
        );
    },
    script: (body, keys, args, publishesTo) =>
      call(
        'script',
        publishesTo ?? null,
        servedRights(publishesTo ?? null),
        script(body, keys, args),
      ),
    onReconnect: (listener) => redis.onResubscribed(listener),
    close() {
      for (const channel of [...retries.keys()]) stopRetrying(channel);
      return redis.close();
    },
  };
}
