import { randomBytes } from 'node:crypto';
import type { HistoryWindow } from '@liveline/protocol';
import type { HistoryEntry, RoomSeed } from '../storage/Storage.js';
import type { Broker, FrameListener, StreamPosition } from './Broker.js';

/** Bounds of an ordered room's history. */
export interface HistoryLimits {
  /** Events kept at most. */
  readonly maxEvents: number;
  /** Age after which events are dropped, in ms. */
  readonly maxAgeMs: number;
  /** Total frame bytes kept at most. */
  readonly maxBytes: number;
}

interface OrderedRoom {
  readonly epoch: string;
  headSeq: number;
  entries: HistoryEntry[];
  bytes: number;
}

/** A fresh history incarnation id. */
export const createEpoch = (): string =>
  `e${Date.now().toString(36)}${randomBytes(4).toString('hex')}`;

/**
 * Creates the in-memory {@link Broker}; `now` (epoch ms) drives age trimming, and `encode` (the
 * transport's) turns a frame's text into the bytes every listener gets.
 */
export function createMemoryBroker(
  limits: HistoryLimits,
  now: () => number,
  encode: (text: string) => Buffer,
): Broker {
  const ordered = new Map<string, OrderedRoom>();
  const latest = new Map<string, string>();
  const listeners = new Map<string, Set<FrameListener>>();

  const trim = (room: OrderedRoom): void => {
    const oldestAllowed = now() - limits.maxAgeMs;
    let drop = 0;
    let bytes = room.bytes;
    for (const entry of room.entries) {
      const remaining = room.entries.length - drop;
      if (remaining <= limits.maxEvents && bytes <= limits.maxBytes && entry.at >= oldestAllowed)
        break;
      bytes -= entry.frame.length;
      drop += 1;
    }
    if (drop === 0) return;
    room.entries = room.entries.slice(drop);
    room.bytes = bytes;
  };

  const open = (name: string, seed?: RoomSeed | null): OrderedRoom => {
    const found = ordered.get(name);
    if (found) return found;
    const room: OrderedRoom = seed
      ? {
          epoch: seed.epoch,
          headSeq: seed.headSeq,
          entries: [...seed.entries],
          bytes: seed.entries.reduce((sum, e) => sum + e.frame.length, 0),
        }
      : { epoch: createEpoch(), headSeq: 0, entries: [], bytes: 0 };
    ordered.set(name, room);
    return room;
  };

  // Reading a room nobody opened would invent a fresh epoch and hide the stored history from a
  // resuming client, so only openOrdered (the event log restoring storage) may create one.
  const opened = (name: string): OrderedRoom => {
    const room = ordered.get(name);
    if (!room)
      throw new Error(`ordered room ${JSON.stringify(name)} was read before it was opened`);
    return room;
  };

  const windowOf = (room: OrderedRoom): HistoryWindow => {
    trim(room);
    return {
      epoch: room.epoch,
      headSeq: room.headSeq,
      oldestSeq: room.entries[0]?.seq ?? room.headSeq + 1,
    };
  };

  /** Each event's UTF-8 bytes, encoded once for its live delivery and every replay of it. */
  const encoded = new WeakMap<HistoryEntry, Buffer>();
  const bytesOf = (entry: HistoryEntry): Buffer => {
    let bytes = encoded.get(entry);
    if (!bytes) {
      bytes = encode(entry.frame);
      encoded.set(entry, bytes);
    }
    return bytes;
  };

  const deliver = (name: string, bytes: Buffer): void => {
    for (const listener of listeners.get(name) ?? []) listener(bytes);
  };

  return {
    openOrdered: (name, seed) => windowOf(open(name, seed)),
    publish(name, build, serialize, commit) {
      const room = opened(name);
      const position: StreamPosition = { seq: room.headSeq + 1, epoch: room.epoch };
      const message = build(position);
      const frame = serialize(message);
      commit?.(message, frame);
      room.headSeq = position.seq;
      const entry: HistoryEntry = { seq: position.seq, frame, at: now() };
      room.entries.push(entry);
      room.bytes += frame.length;
      trim(room);
      if (listeners.has(name)) deliver(name, bytesOf(entry));
      return message;
    },
    window: (name) => windowOf(opened(name)),
    since(name, afterSeq) {
      const room = opened(name);
      trim(room);
      return room.entries.filter((e) => e.seq > afterSeq).map(bytesOf);
    },
    setLatest(name, frame) {
      latest.set(name, frame);
      if (listeners.has(name)) deliver(name, encode(frame));
    },
    latest: (name) => latest.get(name),
    subscribe(name, listener) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(name);
      };
    },
    subscriberCount: (name) => listeners.get(name)?.size ?? 0,
  };
}
