import { decideResume, type ResumeDecision, type ResumePosition } from '@liveline/protocol';
import type { Broker, FrameListener } from './Broker.js';

/** How a subscriber receives what joining sends. */
export interface JoinTarget {
  /** Sends a control message (snapshot, resumed). */
  readonly sendMessage: (message: object) => void;
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
