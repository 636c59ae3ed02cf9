import type { HistoryWindow } from '@liveline/protocol';
import type { RoomSeed } from '../storage/Storage.js';

/** Where an ordered event sits in its room's stream. */
export interface StreamPosition {
  readonly seq: number;
  readonly epoch: string;
}

/**
 * Receives every frame published to a room, encoded once for all recipients by the encoder the
 * transport gave the broker (whole WebSocket frames in the server): the broker keeps and hands on
 * these bytes without reading them.
 */
export type FrameListener = (frame: Buffer) => void;

/**
 * Fan-out of rooms. Ordered rooms number their events (seq, epoch) and keep a bounded history for
 * replay; latest rooms keep only the newest value. Routes and domains depend on this interface
 * only, so a Redis-backed broker can replace the in-memory one.
 */
export interface Broker {
  /** Opens an ordered room (restoring `seed` the first time), returning its stream window. */
  openOrdered(room: string, seed?: RoomSeed | null): HistoryWindow;
  /**
   * Publishes the next event of an ordered room: `build` gets the assigned position, `serialize`
   * (the protocol's, by route) makes its frame text, and `commit` (storage) runs before any
   * subscriber sees it; if `commit` throws nothing is published.
   */
  publish<T>(
    room: string,
    build: (position: StreamPosition) => T,
    serialize: (message: T) => string,
    commit?: (message: T, frame: string) => void,
  ): T;
  /** The replayable window of an ordered room; it must have been opened (throws otherwise). */
  window(room: string): HistoryWindow;
  /**
   * The frames after `afterSeq` still held, oldest first, encoded: the same bytes live delivery
   * used, so a resume storm replays without encoding anything again.
   */
  since(room: string, afterSeq: number): readonly Buffer[];
  /** Replaces the value of a latest room and delivers it to its subscribers. */
  setLatest(room: string, frame: string): void;
  /** The value of a latest room, if any. */
  latest(room: string): string | undefined;
  /** Delivers every later frame of `room` to `listener`; returns the unsubscribe function. */
  subscribe(room: string, listener: FrameListener): () => void;
  /** How many listeners a room has. */
  subscriberCount(room: string): number;
}
