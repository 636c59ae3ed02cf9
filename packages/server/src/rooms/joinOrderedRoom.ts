import {
  decideResume,
  type ResumeDecision,
  type ResumeLostReason,
  type ResumePosition,
} from '@liveline/protocol';
import type { Broker, FrameListener } from './Broker.js';

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

/** How a subscriber receives what joining sends. */
export interface JoinTarget {
  /** Sends the `snapshot` or `resumed` that starts the stream. */
  readonly sendMessage: (message: OrderedStart) => void;
  /** Sends a replayed serialized event. */
  readonly sendBacklog: FrameListener;
  /** Sends a live serialized event. */
  readonly sendFrame: FrameListener;
}

/** What joining did, and how to leave. */
export interface JoinResult {
  readonly decision: ResumeDecision;
  readonly leave: () => void;
}

/**
 * Joins an ordered room (rules R2–R8): `snapshot`, or `resumed` plus the missed events, then live
 * events. It runs synchronously, so nothing published between the snapshot and the subscription
 * can be lost or duplicated.
 */
export function joinOrderedRoom(
  broker: Broker,
  room: string,
  position: ResumePosition | null,
  snapshot: () => unknown,
  target: JoinTarget,
): JoinResult {
  const window = broker.window(room);
  const decision = decideResume(window, position);
  const head = { seq: window.headSeq, epoch: window.epoch };
  switch (decision.kind) {
    case 'fresh':
      target.sendMessage({ type: 'snapshot', ...head, data: snapshot() });
      break;
    case 'lost':
      target.sendMessage({
        type: 'snapshot',
        ...head,
        data: snapshot(),
        recovered: false,
        reason: decision.reason,
      });
      break;
    case 'replay': {
      const missed = broker.since(room, decision.afterSeq);
      // `seq` echoes the client's position; the replayed events follow it (rule R4).
      target.sendMessage({
        type: 'resumed',
        seq: decision.afterSeq,
        epoch: window.epoch,
        data: { replayed: missed.length },
      });
      for (const frame of missed) target.sendBacklog(frame);
      break;
    }
  }
  return { decision, leave: broker.subscribe(room, target.sendFrame) };
}
