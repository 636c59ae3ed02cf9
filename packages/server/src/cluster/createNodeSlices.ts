import { randomUUID } from 'node:crypto';
import type { RedisLatestBus } from './createRedisLatestBus.js';
import { KEEPALIVE_SCRIPT, READ_SCRIPT, SHARE_SCRIPT } from './sliceScripts.js';

/** Another live node's slice of a topic: its field / value pairs, flat. */
export interface NodeSlice {
  readonly node: string;
  readonly fields: readonly string[];
}

/** Per-node slices of topics in Redis: see {@link createNodeSlices}. */
export interface NodeSlices {
  /**
   * Replaces this node's slice of `topic` (empty: the node leaves the topic). True when the topic
   * is new here: `listen` is then called with it once its first read of the others' slices is
   * answered or has failed, within the Redis reply deadline (`REDIS_DEADLINES`), changed or not.
   */
  share(topic: string, fields: ReadonlyMap<string, string>): boolean;
  /** The other live nodes' slices of a topic this node has a slice of, as last read, by node id. */
  others(topic: string): readonly NodeSlice[];
  /** When {@link NodeSlices.others} of `topic` was last read from Redis (epoch ms; 0: never). */
  readAt(topic: string): number;
  /** Calls `onChange` with a topic whose {@link NodeSlices.others} changed. */
  listen(onChange: (topic: string) => void): void;
  /** Removes this node's slices and stops the heartbeat. */
  close(): Promise<void>;
}

const sameSlices = (a: readonly NodeSlice[], b: readonly NodeSlice[]): boolean =>
  a.length === b.length &&
  a.every((s, i) => {
    const other = b[i];
    return (
      other !== undefined &&
      s.node === other.node &&
      s.fields.length === other.fields.length &&
      s.fields.every((f, j) => f === other.fields[j])
    );
  });

/** A slice as read, with its last write (see READ_SCRIPT). */
interface ReadSlice extends NodeSlice {
  readonly written: string;
}

/**
 * Reads the READ_SCRIPT's reply: `[[node, written, [field, value, …]], …]` as slices ordered by
 * node, or `null` for `same` (the slices the reader holds, none written since).
 */
const slicesOf = (reply: unknown): ReadSlice[] | null =>
  Array.isArray(reply)
    ? reply
        .filter((s): s is [string, string, unknown[]] => Array.isArray(s) && Array.isArray(s[2]))
        .map(([node, written, fields]) => ({
          node: String(node),
          written: String(written),
          fields: fields.map(String),
        }))
        .sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0))
    : null;

/**
 * Per-node slices (Phoenix Presence's idea), for presence and the coordinator metrics: each node
 * keeps its slice of a topic in its own Redis hash `<prefix>:{<name>:<topic>}:node:<node id>`,
 * which expires `expiryMs` after it was written unless the node's heartbeat extends it, and
 * announces each change on the topic's channel. A node with a slice of a topic subscribes to that
 * channel and reads the other live slices on every announcement and every heartbeat (which is how
 * a dead node's expired slice is noticed). A read sends the slices only when one was written or
 * expired since this node's last read: every write leaves a token of its own beside its slice, so
 * a heartbeat of a board whose people stay costs a few bytes, not every other node's people. While
 * Redis is away, writes fail and are made again by the heartbeat or after the reconnect; the
 * others' slices stay as last read.
 */
export function createNodeSlices(deps: {
  readonly bus: RedisLatestBus;
  readonly nodeId: string;
  /** The kind of slices, part of their keys: `presence`, `metrics`. */
  readonly name: string;
  readonly expiryMs: number;
  readonly heartbeatMs: number;
}): NodeSlices {
  const { bus, nodeId } = deps;
  const expiry = String(deps.expiryMs);
  const keys = (topic: string) => {
    const tag = `{${deps.name}:${topic}}`;
    return {
      slice: bus.key(tag, 'node', nodeId),
      index: bus.key(tag, 'nodes'),
      slicePrefix: bus.key(tag, 'node', ''),
      written: bus.key(tag, 'written', nodeId),
      writtenPrefix: bus.key(tag, 'written', ''),
      channel: bus.key(tag, 'changed'),
    };
  };
  // A write's token: unique to this instance's writes, and to this instance among the node's.
  const writer = `${nodeId}/${randomUUID()}`;
  let writes = 0;
  /** This node's slice of each topic where it has one, as last shared. */
  const local = new Map<string, ReadonlyMap<string, string>>();
  const remote = new Map<string, readonly NodeSlice[]>();
  /** Per topic, node / last write pairs of the slices read last (what READ_SCRIPT compares). */
  const held = new Map<string, readonly string[]>();
  const readTimes = new Map<string, number>();
  const reading = new Set<string>();
  /** Topics new here whose first read is still to end (see {@link NodeSlices.share}). */
  const unread = new Set<string>();
  const readAgain = new Set<string>();
  let onChange: (topic: string) => void = () => undefined;

  // Failures are logged once by the bus; what they left undone the heartbeat redoes.
  const ignore = (): undefined => undefined;
  const write = (topic: string, fields: ReadonlyMap<string, string>): Promise<unknown> => {
    const k = keys(topic);
    writes += 1;
    return bus
      .script(
        SHARE_SCRIPT,
        [k.slice, k.index, k.written],
        [nodeId, expiry, k.channel, `${writer}/${writes}`, ...[...fields].flat()],
        k.channel,
      )
      .catch(ignore);
  };

  const read = (topic: string): void => {
    if (reading.has(topic)) {
      readAgain.add(topic);
      return;
    }
    reading.add(topic);
    const k = keys(topic);
    // Nobody awaits a read: the bus logs a failed one, and the next heartbeat reads again.
    void bus
      .script(
        READ_SCRIPT,
        [k.index],
        [nodeId, k.slicePrefix, k.writtenPrefix, ...(held.get(topic) ?? [])],
      )
      .then((reply) => {
        if (!local.has(topic)) return false;
        readTimes.set(topic, Date.now());
        const read = slicesOf(reply);
        if (!read) return false;
        held.set(
          topic,
          read.flatMap((slice) => [slice.node, slice.written]),
        );
        const slices = read.map(({ node, fields }) => ({ node, fields }));
        if (sameSlices(slices, remote.get(topic) ?? [])) return false;
        remote.set(topic, slices);
        return true;
      }, ignore)
      .then((changed) => {
        if ((unread.delete(topic) || changed === true) && local.has(topic)) onChange(topic);
      })
      .finally(() => {
        reading.delete(topic);
        if (readAgain.delete(topic)) read(topic);
      });
  };

  const heartbeat = setInterval(() => {
    for (const topic of local.keys()) {
      const k = keys(topic);
      bus
        .script(KEEPALIVE_SCRIPT, [k.slice, k.index, k.written], [nodeId, expiry])
        .then((alive) => {
          // What share() wrote since the KEEPALIVE was sent is newer than what was held then.
          const fields = local.get(topic);
          return alive === 0 && fields ? write(topic, fields) : undefined;
        }, ignore);
      read(topic);
    }
  }, deps.heartbeatMs);
  heartbeat.unref();
  // Redis may have lost the slices (restarted empty) and what was announced meanwhile.
  bus.onReconnect(() => {
    for (const [topic, fields] of local) {
      void write(topic, fields);
      read(topic);
    }
  });

  return {
    share(topic, fields) {
      const k = keys(topic);
      const joined = fields.size > 0 && !local.has(topic);
      if (fields.size === 0) {
        if (!local.delete(topic)) return false;
        unread.delete(topic);
        remote.delete(topic);
        held.delete(topic);
        readTimes.delete(topic);
        bus.unsubscribe(k.channel);
      } else {
        if (joined) {
          unread.add(topic);
          bus.subscribe(k.channel, (node) => {
            if (node !== nodeId) read(topic);
          });
          read(topic);
        }
        local.set(topic, new Map(fields));
      }
      void write(topic, fields);
      return joined;
    },
    others: (topic) => remote.get(topic) ?? [],
    readAt: (topic) => readTimes.get(topic) ?? 0,
    listen(listener) {
      onChange = listener;
    },
    async close() {
      clearInterval(heartbeat);
      const topics = [...local.keys()];
      local.clear();
      await Promise.all(topics.map((topic) => write(topic, new Map())));
    },
  };
}
