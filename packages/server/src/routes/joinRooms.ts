import { CloseCode, type ResumePosition, type ServerMessage } from '@liveline/protocol';
import type { Broker, StreamPosition } from '../rooms/Broker.js';
import { joinOrderedRoom, type OrderedState } from '../rooms/joinOrderedRoom.js';
import { BrokerError, JoinBehindError, LivelineServerError, RoomMissingError } from '../errors.js';
import type { Connection } from '../transport/Connection.js';
import { STORAGE_UNAVAILABLE_REASON } from './outageFailure.js';

/**
 * Subscribes a connection to a latest room: the current value at once, then every newer one. A
 * route whose room may have no value yet (the coordinator's before the node first counted the
 * stored runs, CM1) passes `now`: the join then sends a heartbeat, so the client is served at once
 * (K6), not by the first heartbeat 10–11 s later (H1).
 */
export function joinLatestRoom(
  broker: Broker,
  room: string,
  connection: Connection,
  now?: () => number,
): void {
  const current = broker.latest(room);
  if (current !== undefined) connection.sendFrame(current);
  else if (now) connection.sendMessage({ type: 'heartbeat', data: { server_time: now() } });
  connection.joinRoom(
    room,
    broker.subscribe(room, 'latest', (frame) => connection.sendFrame(frame)),
  );
}

/** Why a socket whose room started over under another epoch is closed with `4409`. */
export const ROOM_RESTARTED_REASON =
  'the room started over with another epoch; join again without seq/epoch';

/** Why a socket whose room was deleted (a finished run past its retention) is closed with `4409`. */
export const ROOM_DELETED_REASON =
  'the room was deleted (a finished run past its retention); join again without seq/epoch';

/** Why a socket whose room's state could not catch up with its history is closed with `1013` (R8). */
export const JOIN_BEHIND_REASON = "this node's state of the room lags its history; join again";

/**
 * Why a socket is closed with `1013` when its room's copy vanished while it joined, not by a
 * deletion (a FLUSHALL; R8): storage answered, the broker's copy is seeded again on the next join.
 */
export const ROOM_MISSING_REASON = "the room's copy went missing while joining; join again";

/** Why a socket is closed with `1013` when its join cannot subscribe: a cluster node without Redis (S2). */
export const BROKER_UNAVAILABLE_REASON = 'message broker unavailable; try again later';

/**
 * Whether a join failed the way retention deleting its run while it joined makes it fail (G5): the
 * room had no copy left to join, or no state left here to snapshot. Any other cause (storage or the
 * broker unable to answer, S2, S3) is its own, also on a deleted run's id.
 */
export const leftByDeletion = (error: unknown): boolean =>
  error instanceof LivelineServerError &&
  (error.code === 'room_missing' || error.code === 'room_not_open');

/**
 * Closes a socket whose join failed with `1013` (try again later), with a reason that says why: its
 * room's state lagged the history (rule R8), its room's copy vanished meanwhile (R8), the broker
 * could not subscribe it (S2) or storage could not open it (rule S3). `deleted`: the room's copy went missing because retention deleted
 * its run meanwhile (G5), so the socket is closed as its watchers are, with `4409`.
 */
export function closeFailedJoin(connection: Connection, error: unknown, deleted = false): void {
  if (deleted) {
    connection.close(CloseCode.ResumeConflict, ROOM_DELETED_REASON);
    return;
  }
  const reason =
    error instanceof JoinBehindError
      ? JOIN_BEHIND_REASON
      : error instanceof RoomMissingError
        ? ROOM_MISSING_REASON
        : error instanceof BrokerError
          ? BROKER_UNAVAILABLE_REASON
          : STORAGE_UNAVAILABLE_REASON;
  connection.close(CloseCode.TryAgainLater, reason);
}

/** The ordered routes. */
type OrderedRouteName = 'board' | 'workflow';

/** What a route's `snapshot` carries as `data`: drift from the protocol is a compile error. */
type SnapshotData<R extends OrderedRouteName> = Extract<
  ServerMessage<R>,
  { type: 'snapshot' }
>['data'];

/** A route's room state: its snapshot carries the route's `data`. */
export interface RouteState<R extends OrderedRouteName> extends OrderedState {
  snapshot(): StreamPosition & { readonly data: SnapshotData<R> };
}

/**
 * Joins a connection to an ordered room (snapshot or resume, then live) and counts the resume;
 * the room must be open. `state` gives the room's state, the position it includes, and a way to
 * catch it up.
 */
export async function joinOrdered<R extends OrderedRouteName>(
  broker: Broker,
  room: string,
  connection: Connection<R>,
  resume: ResumePosition | null,
  state: RouteState<R>,
): Promise<void> {
  const { decision, leave } = await joinOrderedRoom(broker, room, resume, state, {
    // The start message carries this route's snapshot; TypeScript cannot follow that through a
    // generic route, and the protocol still validates it in tests.
    sendStart: (message) => connection.sendStart(message as ServerMessage<R>),
    sendBacklog: (frame) => connection.sendBacklog(frame),
    live: connection,
    // Rule G3: the client drops its position and joins the room as it is now.
    restarted: () => connection.close(CloseCode.ResumeConflict, ROOM_RESTARTED_REASON),
    // Rule G3: the client drops its position and joins the id again, as never started (W2).
    deleted: () => connection.close(CloseCode.ResumeConflict, ROOM_DELETED_REASON),
  });
  connection.joinRoom(room, leave);
  if (resume) connection.recordResume(decision.kind === 'replay');
}
