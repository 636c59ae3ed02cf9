import type { Presence } from '@liveline/protocol';
import type { PresenceSlices } from '../domains/board/PresenceSlices.js';
import type { RedisLatestBus } from './createRedisLatestBus.js';
import { KEEPALIVE_SCRIPT, READ_SCRIPT, SHARE_SCRIPT } from './presenceScripts.js';

/**
 * How long a node's slice of a board lives in Redis without a heartbeat (PROTOCOL.md PS2): the
 * people of a node that died are gone from the others' summaries at most
 * {@link PRESENCE_EXPIRY_MS} + {@link PRESENCE_HEARTBEAT_MS} after it died.
 */
export const PRESENCE_EXPIRY_MS = 10_000;
/** How often a node extends its slices and reads the other nodes' (which finds expired ones). */
export const PRESENCE_HEARTBEAT_MS = 2_500;

/** {@link PresenceSlices} of a cluster node, and a way to take its slices away when it stops. */
export interface RedisPresenceSlices extends PresenceSlices {
  /** Removes this node's slices (its people leave every board) and stops the heartbeat. */
  close(): Promise<void>;
}

const sameSlices = (a: readonly Presence[], b: readonly Presence[]): boolean =>
  a.length === b.length &&
  a.every((p, i) => p.client_id === b[i]?.client_id && p.name === b[i]?.name);

/** Reads the READ_SCRIPT's reply: `[[node, [id, name, id, name, …]], …]`, ordered by node. */
const peopleOf = (reply: unknown): Presence[] => {
  if (!Array.isArray(reply)) return [];
  const slices = reply
    .filter((s): s is [string, string[]] => Array.isArray(s) && Array.isArray(s[1]))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const people: Presence[] = [];
  for (const [, flat] of slices)
    for (let i = 0; i + 1 < flat.length; i += 2)
      people.push({ client_id: String(flat[i]), name: String(flat[i + 1]) });
  return people;
};

/**
 * The cluster's {@link PresenceSlices} (Phoenix Presence's idea): each node keeps its people on a
 * board in its own Redis hash, which expires unless the node's heartbeat extends it, and
 * announces each change on the board's channel. A node with people on a board subscribes to that
 * channel and reads the other live slices on every announcement and every heartbeat (which is how
 * a dead node's expired slice is noticed). While Redis is away, writes fail and are made again by
 * the heartbeat or after the reconnect; the others' people stay as last read.
 */
export function createRedisPresenceSlices(deps: {
  readonly bus: RedisLatestBus;
  readonly nodeId: string;
}): RedisPresenceSlices {
  const { bus, nodeId } = deps;
  const keys = (boardId: string) => {
    const tag = `{presence:${boardId}}`;
    return {
      slice: bus.key(tag, 'node', nodeId),
      index: bus.key(tag, 'nodes'),
      slicePrefix: bus.key(tag, 'node', ''),
      channel: bus.key(tag, 'changed'),
    };
  };
  /** This node's people on each board where it has any, as last shared. */
  const local = new Map<string, ReadonlyMap<string, string>>();
  const remote = new Map<string, readonly Presence[]>();
  const reading = new Set<string>();
  const readAgain = new Set<string>();
  let onChange: (boardId: string) => void = () => undefined;

  // Failures are logged once by the bus; what they left undone the heartbeat redoes.
  const ignore = (): undefined => undefined;
  const write = (boardId: string, people: ReadonlyMap<string, string>): Promise<unknown> => {
    const k = keys(boardId);
    const pairs = [...people].flat();
    return bus
      .script(
        SHARE_SCRIPT,
        [k.slice, k.index],
        [nodeId, String(PRESENCE_EXPIRY_MS), k.channel, ...pairs],
      )
      .catch(ignore);
  };

  const read = (boardId: string): void => {
    if (reading.has(boardId)) {
      readAgain.add(boardId);
      return;
    }
    reading.add(boardId);
    const k = keys(boardId);
    bus
      .script(READ_SCRIPT, [k.index], [nodeId, k.slicePrefix])
      .then((reply) => {
        if (!local.has(boardId)) return;
        const people = peopleOf(reply);
        if (sameSlices(people, remote.get(boardId) ?? [])) return;
        remote.set(boardId, people);
        onChange(boardId);
      }, ignore)
      .finally(() => {
        reading.delete(boardId);
        if (readAgain.delete(boardId)) read(boardId);
      });
  };

  const heartbeat = setInterval(() => {
    for (const [boardId, people] of local) {
      const k = keys(boardId);
      bus
        .script(KEEPALIVE_SCRIPT, [k.slice, k.index], [nodeId, String(PRESENCE_EXPIRY_MS)])
        .then((alive) => (alive === 0 ? write(boardId, people) : undefined), ignore);
      read(boardId);
    }
  }, PRESENCE_HEARTBEAT_MS);
  heartbeat.unref();
  // Redis may have lost the slices (restarted empty) and what was announced meanwhile.
  bus.onReconnect(() => {
    for (const [boardId, people] of local) {
      void write(boardId, people);
      read(boardId);
    }
  });

  return {
    share(boardId, people) {
      const k = keys(boardId);
      if (people.size === 0) {
        if (!local.delete(boardId)) return;
        remote.delete(boardId);
        bus.unsubscribe(k.channel);
      } else {
        if (!local.has(boardId)) {
          bus.subscribe(k.channel, (node) => {
            if (node !== nodeId) read(boardId);
          });
          read(boardId);
        }
        local.set(boardId, new Map(people));
      }
      void write(boardId, people);
    },
    others: (boardId) => remote.get(boardId) ?? [],
    listen(listener) {
      onChange = listener;
    },
    async close() {
      clearInterval(heartbeat);
      const boards = [...local.keys()];
      local.clear();
      await Promise.all(boards.map((boardId) => write(boardId, new Map())));
    },
  };
}
