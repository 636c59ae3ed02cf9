import { PRESENCE_LIST_MAX, type Presence, type PresenceSummary } from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import type { Broker } from '../../rooms/Broker.js';
import { NO_OTHER_NODES, type PresenceSlices } from './PresenceSlices.js';

/** How often, at most, a board's presence summary is published while people come and go. */
export const PRESENCE_FLUSH_MS = 250;
/**
 * Presence frames one board may cost per second. Each summary goes to everyone on the board, so a
 * board with more than 1250 people waits longer between summaries than {@link PRESENCE_FLUSH_MS}:
 * 5000 people get one a second, instead of 20 000 frames a second during a reconnect storm.
 */
export const PRESENCE_FRAMES_PER_SECOND = 5000;

/** Who is on each board, published as a coalesced latest value (rule B3). */
export interface PresenceTracker {
  /** The latest room of a board's presence. */
  readonly room: (boardId: string) => string;
  /** Sets or removes (`name` null) one client's presence on a board. */
  readonly set: (boardId: string, clientId: string, name: string | null) => void;
}

/**
 * Creates the presence tracker. Presence lives in memory only: after a restart whoever is there
 * reconnects and announces again. The first change publishes at once; changes within the next
 * {@link PRESENCE_FLUSH_MS} (longer on big boards, {@link PRESENCE_FRAMES_PER_SECOND}) are folded
 * into one trailing publish, so a reconnect storm of N clients costs O(N) frames per flush instead
 * of O(N) frames per join. This node's people are handed to `slices` at the same pace, and a
 * summary counts the other nodes' people too (none on the embedded node): the first of a board new
 * here waits until `slices` read them (PS3).
 */
export function createPresence(
  broker: Broker,
  slices: PresenceSlices = NO_OTHER_NODES,
): PresenceTracker {
  const boards = new Map<string, Map<string, string>>();
  const cooling = new Set<string>();
  const dirty = new Set<string>();
  /** Boards whose people here changed since they were last handed to `slices`. */
  const changedHere = new Set<string>();
  /** Boards new here whose first summary waits for the other nodes' people (PS3). */
  const unread = new Set<string>();
  const room = (boardId: string): string => `presence:${boardId}`;

  const publish = (boardId: string): void => {
    const people = boards.get(boardId) ?? new Map<string, string>();
    const others = slices.others(boardId);
    const list: Presence[] = [];
    for (const [client_id, name] of people) {
      if (list.length === PRESENCE_LIST_MAX) break;
      list.push({ client_id, name });
    }
    for (const person of others) {
      if (list.length === PRESENCE_LIST_MAX) break;
      list.push(person);
    }
    const summary: PresenceSummary = { count: people.size + others.length, people: list };
    // Nobody there and nobody watching: a value per board id ever joined would only grow (R1 lets
    // anyone join any id). A later joiner names itself, which publishes a new one.
    if (summary.count === 0 && broker.subscriberCount(room(boardId)) === 0)
      broker.clearLatest(room(boardId));
    else
      broker.setLatest(room(boardId), encodeMessage('board', { type: 'presence', data: summary }));
  };

  const cooldownMs = (boardId: string): number =>
    Math.max(
      PRESENCE_FLUSH_MS,
      (1000 * broker.subscriberCount(room(boardId))) / PRESENCE_FRAMES_PER_SECOND,
    );

  const flush = (boardId: string): void => {
    if (cooling.has(boardId) || unread.has(boardId)) {
      dirty.add(boardId);
      return;
    }
    // A summary counting this node's people alone would flash a wrong count to whoever opens a
    // board the other nodes' people are on: the first waits for them (at most a Redis reply).
    if (changedHere.delete(boardId) && slices.share(boardId, boards.get(boardId) ?? new Map())) {
      unread.add(boardId);
      return;
    }
    publish(boardId);
    cooling.add(boardId);
    // unref: a pending trailing publish must not keep a stopping server alive.
    setTimeout(() => {
      cooling.delete(boardId);
      if (dirty.delete(boardId)) flush(boardId);
    }, cooldownMs(boardId)).unref();
  };

  slices.listen((boardId) => {
    // What changed while the board waited is in the summary it now publishes.
    if (unread.delete(boardId)) dirty.delete(boardId);
    flush(boardId);
  });
  return {
    room,
    set(boardId, clientId, name) {
      const people = boards.get(boardId) ?? new Map<string, string>();
      if (name === null ? !people.delete(clientId) : people.get(clientId) === name) return;
      if (name !== null) people.set(clientId, name);
      // Only boards with people are kept: an empty one's summary (count 0) needs no entry, and a
      // socket that closed before its join completed leaves nothing behind.
      if (people.size > 0) boards.set(boardId, people);
      else boards.delete(boardId);
      changedHere.add(boardId);
      flush(boardId);
    },
  };
}
