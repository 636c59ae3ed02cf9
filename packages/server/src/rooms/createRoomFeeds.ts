import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { FrameListener } from './Broker.js';

/** One ordered event as the broker carries it between nodes. */
export interface RoomEvent {
  readonly seq: number;
  readonly epoch: string;
  readonly frame: string;
}

/** A range read of a room's copy: its head, and the events after a seq or `null` if not all are held. */
export interface RoomRange {
  readonly head: number;
  readonly events: readonly RoomEvent[] | null;
}

/** Where a room's copy stands, for a position check. */
export interface RoomHead {
  /** The copy's head, or `null` when there is no copy. */
  readonly head: number | null;
  /** The copy's epoch, or `null` when there is no copy. */
  readonly epoch: string | null;
  /** The epoch of a copy of the room dropped within the history age (G5), or `null`. */
  readonly dropped: string | null;
}

/** What the feeds need from the broker's engine. */
export interface FeedSource {
  readonly encode: (text: string) => Buffer;
  readonly log: Logger;
  /** Encoded events kept at most per subscribed room for range reads. */
  readonly maxCached: number;
  /** Bytes of encoded events kept at most per subscribed room (a room of large events). */
  readonly maxCachedBytes: number;
  readonly readHead: (room: string) => Promise<RoomHead>;
  readonly readRange: (room: string, afterSeq: number) => Promise<RoomRange | null>;
  /**
   * Subscribes to the room's channel (resolves once Redis confirmed it, which may be after a
   * reconnect; rejects when Redis refused it): its events, and the notice that its copy was
   * dropped (its stream deleted, G3).
   */
  readonly listen: (
    room: string,
    onEvent: (event: RoomEvent) => void,
    onDropped: () => void,
  ) => Promise<void>;
  readonly unlisten: (room: string) => Promise<void>;
}

interface Feed {
  readonly listeners: Set<FrameListener>;
  /** What the listeners that asked for it want called when the room is dropped. */
  readonly drops: Set<() => void>;
  /** The last seq delivered to this node's listeners, or `null` before the first is known. */
  lastSeq: number | null;
  epoch: string | null;
  /** Events that arrived past a gap, or during a repair, waiting to be delivered in order. */
  pending: RoomEvent[];
  repairing: boolean;
  /** A position check is waiting for Redis: the next ones are skipped until it is answered. */
  checking: boolean;
  readonly cache: Map<number, Buffer>;
  /** The bytes the cache holds. */
  cachedBytes: number;
  /** Settles once the channel is subscribed and the feed knows where it starts; rejects if refused. */
  readonly ready: Promise<void>;
  /** Resolves `ready`. */
  readonly heard: () => void;
  /** Rejects `ready`. */
  readonly refused: (error: unknown) => void;
}

/** Events held back at most per room while a gap is repaired; past that the oldest go. */
const MAX_PENDING = 10_000;

/**
 * A node's subscriptions to ordered rooms: a room is subscribed while it has local listeners.
 * Each event is encoded once and delivered synchronously to every local listener, in seq order
 * and once; a gap (an event past the next expected seq, a reconnect, a position check finding the
 * head ahead) is filled from the room's copy before anything later is delivered.
 */
export function createRoomFeeds(source: FeedSource) {
  const { encode, log } = source;
  const feeds = new Map<string, Feed>();

  const clearCache = (feed: Feed): void => {
    feed.cache.clear();
    feed.cachedBytes = 0;
  };

  const deliver = (feed: Feed, event: RoomEvent): void => {
    const bytes = encode(event.frame);
    feed.cache.set(event.seq, bytes);
    feed.cachedBytes += bytes.length;
    for (const [seq, oldest] of feed.cache) {
      if (feed.cache.size <= source.maxCached && feed.cachedBytes <= source.maxCachedBytes) break;
      feed.cache.delete(seq);
      feed.cachedBytes -= oldest.length;
    }
    feed.lastSeq = event.seq;
    for (const listener of feed.listeners) listener(bytes, event.seq, event.epoch);
  };

  /** Delivers `event` if it is the next one; answers false when a gap lies before it. */
  const accept = (feed: Feed, event: RoomEvent): boolean => {
    if (feed.epoch !== null && event.epoch !== feed.epoch) {
      // Another incarnation of the room (a restore): its seqs start over.
      feed.lastSeq = event.seq - 1;
      clearCache(feed);
    }
    feed.epoch = event.epoch;
    feed.lastSeq ??= event.seq - 1;
    if (event.seq <= feed.lastSeq) return true;
    if (event.seq > feed.lastSeq + 1) return false;
    deliver(feed, event);
    return true;
  };

  /** Delivers the held-back events that now follow in order; answers whether a gap remains. */
  const drain = (feed: Feed): boolean => {
    feed.pending.sort((a, b) => a.seq - b.seq);
    while (feed.pending.length > 0) {
      const [next] = feed.pending;
      if (!next || !accept(feed, next)) return true;
      feed.pending.shift();
    }
    return false;
  };

  const repair = async (room: string, feed: Feed): Promise<void> => {
    if (feed.repairing) return;
    feed.repairing = true;
    try {
      for (let round = 0; round < 3; round += 1) {
        if (feed.lastSeq === null) return;
        const range = await source.readRange(room, feed.lastSeq);
        if (feeds.get(room) !== feed || range === null) return;
        if (range.events === null) {
          // Trimmed or flushed: what is gone cannot be delivered; clients resume from storage.
          const skipTo = (feed.pending[0]?.seq ?? range.head + 1) - 1;
          log.warn('broker.gap_not_held', { room, after_seq: feed.lastSeq, skip_to: skipTo });
          feed.lastSeq = Math.max(feed.lastSeq, skipTo);
        } else for (const event of range.events) accept(feed, event);
        if (!drain(feed)) return;
      }
    } catch (error) {
      log.warn('broker.repair_failed', { room, error: errorMessage(error) });
    } finally {
      feed.repairing = false;
    }
  };

  /**
   * Compares the room's head with the last delivered seq and repairs what is missing. The head
   * comes on another connection than the messages, so it may count events still on their way:
   * only the check that `starts` a subscription takes it as the position (what that skips was
   * published before `subscribed` settled, and a join reads it from the history). Until its
   * first event a feed started without a copy has no position: the events since reach it in order.
   */
  const check = async (room: string, feed: Feed, starts = false): Promise<void> => {
    if (feed.checking || feed.repairing || (feed.lastSeq === null && !starts)) return;
    feed.checking = true;
    try {
      const { head, epoch, dropped } = await source.readHead(room);
      if (feeds.get(room) !== feed) return;
      // Dropped while this node's subscription missed the notice (G5): the copy is gone, or a join
      // elsewhere seeded it again under another epoch than the one this feed delivered. A listener
      // is told once (a join ends at its first notice), however often a check finds the marker.
      if (dropped !== null && (head === null || dropped === feed.epoch)) {
        onDropped(room);
        return;
      }
      if (head === null) return;
      if (feed.lastSeq === null) {
        feed.lastSeq = head;
        feed.epoch ??= epoch;
      } else if (head > feed.lastSeq || feed.pending.length > 0) await repair(room, feed);
    } catch (error) {
      log.debug('broker.check_failed', { room, error: errorMessage(error) });
    } finally {
      feed.checking = false;
    }
  };

  /**
   * Subscribes the feed's channel, then takes its position (or repairs the gap since the last). A
   * refused subscription fails the joins waiting for it; once they left, the feed is gone and the
   * next join asks again (the rights may have been granted meanwhile).
   */
  const listen = (room: string, feed: Feed): void => {
    void source
      .listen(
        room,
        (event) => onEvent(room, event),
        () => onDropped(room),
      )
      // A refusal is the broker's health to report (once, not per join).
      .then(() => check(room, feed, true).then(feed.heard), feed.refused);
  };

  const onEvent = (room: string, event: RoomEvent): void => {
    const feed = feeds.get(room);
    if (!feed) return;
    if (!feed.repairing && accept(feed, event)) return;
    feed.pending.push(event);
    if (feed.pending.length > MAX_PENDING) feed.pending.shift();
    void repair(room, feed);
  };

  const onDropped = (room: string): void => {
    const feed = feeds.get(room);
    if (!feed) return;
    // The room's next incarnation starts over at seq 1, under an epoch this feed cannot know yet
    // (a feed started by a position check holds no epoch to compare).
    feed.lastSeq = 0;
    feed.epoch = null;
    feed.pending = [];
    clearCache(feed);
    // A told listener may leave at once (its socket closes): iterate over a copy.
    for (const tell of [...feed.drops]) tell();
  };

  return {
    subscribe(room: string, listener: FrameListener, dropped?: () => void): () => void {
      let feed = feeds.get(room);
      if (!feed) {
        let heard = (): void => {};
        let refused: (error: unknown) => void = () => {};
        const ready = new Promise<void>((resolve, reject) => {
          heard = resolve;
          refused = reject;
        });
        // Only a join awaits `ready`: a refusal no join waits for is logged, not unhandled.
        ready.catch(() => undefined);
        feed = {
          listeners: new Set(),
          drops: new Set(),
          lastSeq: null,
          epoch: null,
          pending: [],
          repairing: false,
          checking: false,
          cache: new Map(),
          cachedBytes: 0,
          ready,
          heard,
          refused,
        };
        feeds.set(room, feed);
        listen(room, feed);
      }
      const subscribed = feed;
      subscribed.listeners.add(listener);
      if (dropped) subscribed.drops.add(dropped);
      return () => {
        subscribed.listeners.delete(listener);
        if (dropped) subscribed.drops.delete(dropped);
        if (subscribed.listeners.size > 0 || feeds.get(room) !== subscribed) return;
        feeds.delete(room);
        source
          .unlisten(room)
          .catch((error: unknown) =>
            log.debug('broker.unsubscribe_failed', { room, error: errorMessage(error) }),
          );
      };
    },
    /** Delivers an event storage accepted here, as if it came from the channel (its echo is then skipped). */
    offer: onEvent,
    subscriberCount: (room: string): number => feeds.get(room)?.listeners.size ?? 0,
    /**
     * Settles once the room's channel is subscribed and the last seq before its first live event
     * is known: a join that waits for it and then reads the history misses nothing (R8).
     */
    subscribed: (room: string): Promise<void> => feeds.get(room)?.ready ?? Promise.resolve(),
    /** The bytes this node delivered for `event`, or its encoding if it delivered none. */
    encoded(room: string, event: RoomEvent): Buffer {
      const feed = feeds.get(room);
      const cached = feed?.epoch === event.epoch ? feed.cache.get(event.seq) : undefined;
      return cached ?? encode(event.frame);
    },
    /** Checks every subscribed room (periodically, and after the subscriber reconnected). */
    repairAll(): void {
      for (const [room, feed] of feeds) void check(room, feed);
    },
  };
}
