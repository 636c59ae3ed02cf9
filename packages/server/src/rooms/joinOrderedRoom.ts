import {
  decideResume,
  type HistoryWindow,
  type ResumeDecision,
  type ResumeLostReason,
  type ResumePosition,
} from '@liveline/protocol';
import { JoinBehindError, RoomMissingError } from '../errors.js';
import type { Broker, FrameListener, StreamPosition } from './Broker.js';

/** The first message of an ordered stream (rules R2–R7); the route's schema types `data`. */
export type OrderedStart =
  | {
      readonly type: 'snapshot';
      readonly seq: number;
      readonly epoch: string;
      readonly data: unknown;
      readonly recovered?: false;
      readonly reason?: ResumeLostReason;
    }
  | {
      readonly type: 'resumed';
      readonly seq: number;
      readonly epoch: string;
      readonly data: { readonly replayed: number };
    };

/** A room's state now and the position of the newest event it includes. */
export interface OrderedSnapshot extends StreamPosition {
  readonly data: unknown;
}

/** The state of the room a join snapshots, as a domain holds it. */
export interface OrderedState {
  /** The room's state now and the position of the newest event it includes. */
  snapshot(): OrderedSnapshot;
  /**
   * Brings the state up to storage's head, once the event being applied (if any) is applied, so
   * that its snapshot includes every event the broker's copy has.
   */
  catchUp(): Promise<void>;
}

/** How a subscriber receives what joining sends. */
export interface JoinTarget {
  /**
   * Sends the `snapshot` or `resumed` that starts the stream: like the events that catch it up,
   * a burst bounded by the room, which rule L2 does not count as slowness.
   */
  readonly sendStart: (message: OrderedStart) => void;
  /** Sends a serialized event that catches the start up to the live stream (replayed or lacking). */
  readonly sendBacklog: (frame: Buffer) => void;
  /**
   * Sends live serialized events: the socket itself, so that each broadcast frame reaches it in
   * one call.
   */
  readonly live: { sendFrame(frame: Buffer): void };
  /**
   * The room started over under another epoch after the join (a run retention deleted, started
   * again under its id; a restore): the position the subscriber holds no longer applies, and
   * nothing more is sent to it. Called once.
   */
  readonly restarted: () => void;
  /**
   * The room was deleted (a run retention deleted, rule G3; told by the broker, on any node): what
   * the subscriber holds no longer exists, and nothing more is sent to it. Called once, instead of
   * `restarted`.
   */
  readonly deleted: () => void;
}

/** What joining did, and how to leave. */
export interface JoinResult {
  readonly decision: ResumeDecision;
  readonly leave: () => void;
}

/**
 * Joins an ordered room (rules R2–R8): `snapshot`, or `resumed` plus the missed events, then live
 * events. It subscribes first, waits until the subscription is confirmed, and holds live frames
 * back while it reads the window and the range
 * (which may take a round trip to the broker), then sends each event after the start exactly
 * once, by seq: nothing published meanwhile is lost or duplicated. The room must be open; one
 * whose copy is gone by the time the join reads it (dropped meanwhile) rejects the join with a
 * {@link RoomMissingError}. A dropped room the join already read ends it with `deleted`. A
 * snapshot the copy cannot bring up to its head is taken again once the state caught up; one
 * that still cannot be rejects the join with a {@link JoinBehindError} (the caller closes with
 * `1013`, and the client joins again) rather than send a stream with a hole.
 */
export async function joinOrderedRoom(
  broker: Broker,
  room: string,
  position: ResumePosition | null,
  state: OrderedState,
  target: JoinTarget,
): Promise<JoinResult> {
  const held: { frame: Buffer; seq: number | null; epoch: string | null }[] = [];
  let dropped = false;
  const holdBack = broker.subscribe(
    room,
    'ordered',
    (frame, seq, epoch) => {
      held.push({ frame, seq, epoch });
    },
    () => (dropped = true),
  );
  try {
    await broker.subscribed?.(room);
    const window = await broker.window(room);
    if (!window)
      throw new RoomMissingError(`ordered room ${JSON.stringify(room)} has no copy to join`);
    let decision = decideResume(window, position);
    let last: number;
    let joined = window.epoch;
    const replay = decision.kind === 'replay' ? await broker.since(room, decision.afterSeq) : null;
    if (decision.kind === 'replay' && replay?.held) {
      // `seq` echoes the client's position; the replayed events follow it (rule R4).
      last = decision.afterSeq;
      target.sendStart({
        type: 'resumed',
        seq: last,
        epoch: window.epoch,
        data: { replayed: replay.frames.length },
      });
      for (const frame of replay.frames) target.sendBacklog(frame);
      last += replay.frames.length;
    } else {
      // Trimmed between the window and the range read: a snapshot, never a partial replay (R8).
      if (decision.kind === 'replay') decision = { kind: 'lost', reason: 'history_truncated' };
      let start = state.snapshot();
      let behind = await lacking(broker, room, start, window);
      if (!behind) {
        // The snapshot lags the copy by more than the copy still holds (other nodes' events, or
        // one whose frame the bounds trimmed at once): sending it would leave a hole before the
        // live events (R8). Storage is written before the copy, so caught up it lacks nothing.
        await state.catchUp();
        start = state.snapshot();
        behind = await lacking(broker, room, start, window);
      }
      if (!behind)
        throw new JoinBehindError(
          `room ${room}: state at ${start.epoch}/${start.seq} did not catch up with the copy's ${window.epoch}/${window.headSeq}`,
        );
      const { seq, epoch, data } = start;
      const lost =
        decision.kind === 'lost' ? { recovered: false as const, reason: decision.reason } : {};
      target.sendStart({ type: 'snapshot', seq, epoch, data, ...lost });
      // The snapshot may lag the copy by the event being applied: send what it lacks.
      for (const frame of behind) target.sendBacklog(frame);
      last = seq + behind.length;
      joined = epoch;
    }
    // A range read may have sent events whose live frames are still on their way (a networked
    // broker's channel is another connection than its reads): those are not sent again. Events of
    // another epoch are not this stream's, and a dropped room is gone: the subscriber is told once,
    // and gets nothing more.
    const sent = last;
    const { live } = target;
    let ended = false;
    const end = (tell: () => void): void => {
      if (ended) return;
      ended = true;
      tell();
    };
    const sendLater: FrameListener = (frame, seq, epoch) => {
      if (ended) return;
      if (epoch !== null && epoch !== joined) end(target.restarted);
      else if (seq === null || seq > sent) live.sendFrame(frame);
    };
    const deleted = (): void => end(target.deleted);
    for (const event of held) sendLater(event.frame, event.seq, event.epoch);
    const leave = broker.subscribe(room, 'ordered', sendLater, deleted);
    if (dropped) deleted();
    return { decision, leave };
  } finally {
    holdBack();
  }
}

/**
 * The copy's events after a snapshot at `start` up to the copy's head when the join read its
 * `window`, or `null` when the copy no longer holds all of them or holds another epoch.
 */
async function lacking(
  broker: Broker,
  room: string,
  start: StreamPosition,
  window: HistoryWindow,
): Promise<readonly Buffer[] | null> {
  if (start.epoch !== window.epoch) return null;
  if (start.seq >= window.headSeq) return [];
  const range = await broker.since(room, start.seq);
  return range.held ? range.frames : null;
}
