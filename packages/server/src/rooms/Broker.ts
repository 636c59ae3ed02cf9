import type { Delivery, HistoryWindow } from '@liveline/protocol';
import type { HistoryEntry } from '../storage/Storage.js';

/** Where an ordered event sits in its room's stream. */
export interface StreamPosition {
  readonly seq: number;
  readonly epoch: string;
}

/** What a broker's copy of an ordered room is (re)seeded with: the storage head and its newest events. */
export interface RoomSeed {
  readonly epoch: string;
  readonly headSeq: number;
  /** Consecutive events ending at `headSeq`, oldest first (may be empty); any past it are left out. */
  readonly entries: readonly HistoryEntry[];
}

/**
 * What `publish` did with an event:
 * - `ok`: it followed the copy's head, and was delivered;
 * - `duplicate`: the copy already holds that seq (nothing delivered unless `stored`);
 * - `gap`: the seq is past head + 1, or no copy is held: re-seed from storage and retry;
 * - `epoch`: the copy holds another epoch: re-seed from storage and retry.
 */
export type PublishResult = 'ok' | 'duplicate' | 'gap' | 'epoch';

/** How {@link Broker.publish} may deliver. */
export interface PublishOptions {
  /**
   * Storage accepted the position, so the event is the room's next whatever the copy answers: a
   * networked broker delivers it to this node's listeners without waiting for the copy, and the
   * fan-out overlaps that round trip. Each seq still reaches a listener once, in order. A broker
   * that delivers within `publish` needs nothing more.
   */
  readonly stored?: boolean;
}

/** The encoded events after a seq, consecutive and oldest first, or `held: false` if some are gone. */
export type RangeRead =
  { readonly held: true; readonly frames: readonly Buffer[] } | { readonly held: false };

/**
 * Receives every frame published to a room, encoded once for all recipients by the encoder the
 * transport gave the broker (whole WebSocket frames in the server): the broker keeps and hands on
 * these bytes without reading them. `seq` is the event's place in an ordered room (so a join can
 * merge live frames with a range it read) and `epoch` the incarnation of its numbering (so a join
 * learns that the room started over), both `null` for a latest room's value.
 */
export type FrameListener = (frame: Buffer, seq: number | null, epoch: string | null) => void;

/**
 * Copies events and fans them out. Storage numbers the events of ordered rooms (it is the
 * sequencer); the broker holds a bounded copy of each room's newest events for replay and
 * delivers them. Its control plane (seed, publish, window, range) is asynchronous so that a
 * networked broker can implement it; delivery to local listeners (the data plane) is synchronous.
 * Latest rooms keep only the newest value. Routes and domains depend on this interface only.
 */
export interface Broker {
  /**
   * Makes the copy of `room` hold `seed`, unless it already holds the same epoch at the same or a
   * newer head (another writer may have moved it on).
   */
  seed(room: string, seed: RoomSeed): Promise<void>;
  /** Appends the event at `position` to the copy and delivers it to the room's listeners. */
  publish(
    room: string,
    position: StreamPosition,
    frame: string,
    options?: PublishOptions,
  ): Promise<PublishResult>;
  /** The replayable window of the copy of `room`, or `null` if no copy is held. */
  window(room: string): Promise<HistoryWindow | null>;
  /**
   * The encoded events after `afterSeq` (the same bytes live delivery used, so a resume storm
   * replays without encoding anything again), or `held: false` if the copy lacks some of them.
   */
  since(room: string, afterSeq: number): Promise<RangeRead>;
  /**
   * Forgets an ordered room whose stream storage deleted (a run retention deleted, rule G3): its
   * copy and whatever the broker keeps for it. A later `seed` starts the room again. The room's
   * listeners on every node sharing the broker are told (their `dropped`), so that nobody keeps
   * watching what no longer exists; a copy that expired by age (G1) tells nobody.
   */
  drop(room: string): Promise<void>;
  /**
   * Whether this node holds a copy of `room`. Absent: the copy is shared (a networked broker), and
   * a copy found missing is seeded again before a join (EventLog.refresh).
   */
  holds?(room: string): boolean;
  /** Replaces the value of a latest room and delivers it to its subscribers. */
  setLatest(room: string, frame: string): void;
  /** The value of a latest room, if any. */
  latest(room: string): string | undefined;
  /**
   * Forgets a latest room's value (nothing is delivered): a room nobody will read again, such as
   * the presence of a board everyone left, must not stay in memory (rule B3).
   */
  clearLatest(room: string): void;
  /**
   * Delivers every later frame of `room` to `listener` (with a networked broker: every frame
   * published once `subscribed` settled); returns the unsubscribe function. `delivery` is the
   * room's kind, as the caller knows it: the events of an `ordered` room (`publish`) or the values
   * of a `latest` one (`setLatest`), which stay on the node, so a networked broker subscribes to
   * nothing for them. `dropped` is called when the room is dropped on any node (see `drop`).
   */
  subscribe(
    room: string,
    delivery: Delivery,
    listener: FrameListener,
    dropped?: () => void,
  ): () => void;
  /**
   * Settles once a subscribed room's live delivery is confirmed (a networked broker subscribes
   * asynchronously): a join awaits it before reading the history, so nothing published in
   * between is missed (R8). Absent: delivery starts with `subscribe`.
   */
  subscribed?(room: string): Promise<void>;
  /** How many listeners a room has. */
  subscriberCount(room: string): number;
}
