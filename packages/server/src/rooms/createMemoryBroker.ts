import type { HistoryWindow } from '@liveline/protocol';
import { createIdleSweep } from '../createIdleSweep.js';
import type { HistoryEntry } from '../storage/Storage.js';
import type { Broker, PublishResult, RangeRead, RoomSeed } from './Broker.js';
import { createLocalListeners } from './createLocalListeners.js';
import { entriesThrough } from './entriesThrough.js';

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
  /** When the copy was last seeded, published to or read, epoch ms. */
  usedAt: number;
}

/**
 * The seed's entries that run without a hole up to its head (all of them when storage is whole);
 * those past its head are left out.
 */
const consecutiveTail = (from: RoomSeed): HistoryEntry[] => {
  const upToHead = entriesThrough(from.entries, from.headSeq);
  let start = upToHead.length;
  let expected = from.headSeq;
  while (start > 0 && upToHead[start - 1]?.seq === expected) {
    start -= 1;
    expected -= 1;
  }
  return upToHead.slice(start);
};

/**
 * Creates the in-memory {@link Broker}; `now` (epoch ms) drives age trimming, and `encode` (the
 * transport's) turns a frame's text into the bytes every listener gets. Its control plane works
 * synchronously and answers with settled promises.
 *
 * A copy nobody listens to and nobody used for `maxAgeMs` is let go: every event it held is past
 * the age bound by then, so it could replay nothing, and storage seeds it again when the room is
 * opened. The memory of a server that touches ever more rooms stays bounded by the active ones.
 */
export function createMemoryBroker(
  limits: HistoryLimits,
  now: () => number,
  encode: (text: string) => Buffer,
): Broker {
  const ordered = new Map<string, OrderedRoom>();
  const latest = new Map<string, string>();
  // Every room is local here, ordered or latest: one set of listeners serves both.
  const listeners = createLocalListeners();

  const sweep = createIdleSweep(limits.maxAgeMs, now, (t) => {
    for (const [name, room] of ordered)
      if (!listeners.has(name) && t - room.usedAt >= limits.maxAgeMs) ordered.delete(name);
  });
  /** The copy of `name`, marked as used now. */
  const use = (name: string): OrderedRoom | undefined => {
    const room = ordered.get(name);
    if (room) room.usedAt = now();
    return room;
  };

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

  const seed = (name: string, from: RoomSeed): void => {
    const t = now();
    sweep(t);
    const held = use(name);
    if (held && held.epoch === from.epoch && held.headSeq >= from.headSeq) return;
    const entries = consecutiveTail(from);
    const room: OrderedRoom = {
      epoch: from.epoch,
      headSeq: from.headSeq,
      entries,
      bytes: entries.reduce((sum, e) => sum + e.frame.length, 0),
      usedAt: t,
    };
    trim(room);
    ordered.set(name, room);
  };

  const windowOf = (room: OrderedRoom): HistoryWindow => {
    trim(room);
    return {
      epoch: room.epoch,
      headSeq: room.headSeq,
      oldestSeq: room.entries[0]?.seq ?? room.headSeq + 1,
    };
  };

  /** Each event's bytes, encoded once for its live delivery and every replay of it. */
  const encoded = new WeakMap<HistoryEntry, Buffer>();
  const bytesOf = (entry: HistoryEntry): Buffer => {
    let bytes = encoded.get(entry);
    if (!bytes) {
      bytes = encode(entry.frame);
      encoded.set(entry, bytes);
    }
    return bytes;
  };

  const publish = (name: string, seq: number, epoch: string, frame: string): PublishResult => {
    sweep(now());
    const room = use(name);
    if (!room) return 'gap';
    if (room.epoch !== epoch) return 'epoch';
    if (seq <= room.headSeq) return 'duplicate';
    if (seq > room.headSeq + 1) return 'gap';
    room.headSeq = seq;
    const entry: HistoryEntry = { seq, frame, at: now() };
    room.entries.push(entry);
    room.bytes += frame.length;
    trim(room);
    if (listeners.has(name)) listeners.deliver(name, bytesOf(entry), seq, epoch);
    return 'ok';
  };

  const since = (name: string, afterSeq: number): RangeRead => {
    const room = use(name);
    if (!room) return { held: false };
    const { oldestSeq, headSeq } = windowOf(room);
    if (afterSeq >= headSeq) return { held: true, frames: [] };
    if (afterSeq + 1 < oldestSeq) return { held: false };
    return { held: true, frames: room.entries.slice(afterSeq + 1 - oldestSeq).map(bytesOf) };
  };

  return {
    seed: (name, from) => Promise.resolve(seed(name, from)),
    publish: (name, position, frame) =>
      Promise.resolve(publish(name, position.seq, position.epoch, frame)),
    window(name) {
      const room = use(name);
      return Promise.resolve(room ? windowOf(room) : null);
    },
    since: (name, afterSeq) => Promise.resolve(since(name, afterSeq)),
    drop(name) {
      ordered.delete(name);
      listeners.dropped(name);
      return Promise.resolve();
    },
    holds: (name) => ordered.has(name),
    setLatest(name, frame) {
      latest.set(name, frame);
      if (listeners.has(name)) listeners.deliver(name, encode(frame), null, null);
    },
    latest: (name) => latest.get(name),
    clearLatest: (name) => void latest.delete(name),
    subscribe: (name, _delivery, listener, dropped) => listeners.add(name, listener, dropped),
    subscriberCount: (name) => listeners.count(name),
  };
}
