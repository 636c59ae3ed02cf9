import { StoredDataError } from '../errors.js';
import type { RoomHead, Storage } from '../storage/Storage.js';

/** Events read per query while a room catches up. */
const CATCH_UP_BATCH = 500;
/** Stable reads tried before a room that keeps moving is given up on for now. */
const RELOAD_ATTEMPTS = 5;

/** How a domain follows a room that other nodes write too. */
export interface RoomFollower {
  /** Applies one stored event (its wire text), oldest first; false if it cannot (then `reload`). */
  replay?(frame: string): boolean;
  /**
   * Reads the domain's state of the room from storage again, and answers the seq of the newest
   * event that state includes when the domain knows it (a board: its document and the events after
   * it); otherwise the state is taken to be the head's, read between two equal heads.
   */
  reload?(): Promise<number | void>;
}

/** A room's position as the domain applied it. */
export interface AppliedPosition {
  head: RoomHead;
  applied: number;
}

/**
 * Brings a domain's state of `room` up to storage's head: the stored events after the position it
 * applied, replayed in seq order (one query per batch, and the state moves with the seq, so a
 * snapshot is always the state at its seq). When the events are not all held (pruned, another
 * epoch) or the domain cannot replay, it reloads the state between two heads of one epoch instead:
 * at the seq the reload answers, or, when it answers none, at the head if both were equal (a
 * document and its head are written in one transaction, so equal heads mean it is theirs).
 * Answers whether the position moved. Only valid inside the room's turn.
 */
export async function catchUpRoom(
  storage: Storage,
  room: string,
  state: AppliedPosition,
  follower: RoomFollower,
  epoch: string = state.head.epoch,
): Promise<boolean> {
  const from = { ...state };
  if (follower.replay && epoch === state.head.epoch) {
    for (;;) {
      const entries = await storage.readEvents(room, state.applied, CATCH_UP_BATCH);
      for (const entry of entries) {
        if (entry.seq !== state.applied + 1 || !follower.replay(entry.frame))
          return reloadRoom(storage, room, state, follower, from);
        state.applied = entry.seq;
        state.head = { epoch, headSeq: entry.seq };
      }
      if (entries.length < CATCH_UP_BATCH) return moved(state, from);
    }
  }
  return reloadRoom(storage, room, state, follower, from);
}

const moved = (state: AppliedPosition, from: AppliedPosition): boolean =>
  state.applied !== from.applied || state.head.epoch !== from.head.epoch;

const reloadRoom = async (
  storage: Storage,
  room: string,
  state: AppliedPosition,
  follower: RoomFollower,
  from: AppliedPosition,
): Promise<boolean> => {
  for (let attempt = 0; attempt < RELOAD_ATTEMPTS; attempt += 1) {
    const before = await storage.readHead(room);
    const reached = await follower.reload?.();
    const after = await storage.readHead(room);
    const known = typeof reached === 'number';
    const seq = known ? reached : before.headSeq;
    if (before.epoch === after.epoch && (known || before.headSeq === after.headSeq)) {
      // The head may have moved past `seq` since: the next append or catch-up finds it.
      state.head = { epoch: after.epoch, headSeq: seq };
      state.applied = seq;
      return moved(state, from);
    }
  }
  throw new StoredDataError(`room ${room} kept moving while its state was read`);
};
