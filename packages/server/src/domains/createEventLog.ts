import { causeKind, errorKind } from '../causeKind.js';
import { RoomNotOpenError, errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { Broker, StreamPosition } from '../rooms/Broker.js';
import type { BrokerStatus } from '../rooms/createBrokerHealth.js';
import { entriesThrough } from '../rooms/entriesThrough.js';
import type { DocumentWrite, LeaseFence, RoomHead, Storage } from '../storage/Storage.js';
import { catchUpRoom, type AppliedPosition, type RoomFollower } from './catchUpRoom.js';
import { createRepublisher } from './createRepublisher.js';
import { createTurns, type Turns } from './createTurns.js';
import { domainFailure, type DomainFailure } from './DomainFailure.js';

/**
 * How long an append is rebuilt after other writers moved the room, in ms, before it is refused.
 * Each conflict brings the room up to storage's head first, so an attempt loses only to a write
 * that lands within its round trip; writers win in turn, and one that keeps losing keeps trying.
 */
const CONFLICT_BUDGET_MS = 5_000;
/** The longest pause between two attempts, in ms: jitter so that two nodes fall out of step. */
const CONFLICT_PAUSE_MS = 8;

/** Every event the log publishes is stored first (rule S3). */
const STORED = { stored: true } as const;

const isFailure = (built: unknown): built is DomainFailure =>
  typeof built === 'object' && built !== null && (built as { ok?: unknown }).ok === false;

const pause = (): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, Math.random() * CONFLICT_PAUSE_MS));

/** The field of the failure an append gets when storage fenced it out of its run (rule WL3). */
const FENCE_FIELD = 'fence';
/** Whether an append failed because another node owns its run now (rule WL3). */
export const isFenced = (failure: DomainFailure): boolean => failure.error.field === FENCE_FIELD;
/** The failure of an append fenced out of its run: another node owns it now (rule WL3). */
export const fencedOut = (room: string): DomainFailure =>
  domainFailure('conflict', `room ${room}: another node owns this run now`, FENCE_FIELD);

/** How a domain turns one change into an event of an ordered room (and follows other writers). */
export interface AppendSteps<T> extends RoomFollower {
  /** Recorded with the event (rule B2); storage answers `duplicate` if the room applied it. */
  readonly opId?: string;
  /** The run lease the writer holds; storage refuses the event once another node took the run (WL3). */
  readonly fence?: LeaseFence;
  /** The event at `position`, built from the domain's state now, or why the change is refused now. */
  build(position: StreamPosition): T | DomainFailure;
  /** Its wire text (the protocol's encoder of the route). */
  serialize(message: T): string;
  /** Reduces the event once: the documents to store with it (`frame` is its wire text). */
  reduce(message: T, frame: string): readonly DocumentWrite[];
  /** Keeps what `reduce` produced, once storage accepted the event and the broker has it. */
  apply(message: T): void;
}

/** What an append did: the event, the seq its op id was applied at before, or why not. */
export type AppendOutcome<T> =
  | { readonly kind: 'appended'; readonly message: T }
  | { readonly kind: 'duplicate'; readonly seq: number }
  | DomainFailure;

/** Appends to one room; only valid inside that room's {@link EventLog.inTurn}. */
export type Append = <T>(steps: AppendSteps<T>) => Promise<AppendOutcome<T>>;

/**
 * Ordered rooms numbered by storage and copied by the broker (rule W4: history survives restarts
 * with its epoch). Every event goes one way: reserve the next seq, build, reduce once, persist
 * (compare-and-append), publish, apply in memory. Turns of a room run one after another, so seq
 * order is call order. Nothing storage refused is published (rule S3).
 */
export interface EventLog {
  /** Opens a room: storage's head (created the first time) and the broker's copy seeded from it. */
  open(room: string): Promise<RoomHead>;
  /** Runs `work` once every earlier turn of `room` has finished; it appends with `append`. */
  inTurn<R>(room: string, work: (append: Append) => Promise<R>): Promise<R>;
  /**
   * Brings the domain's state of an open room up to storage's head (other nodes write it too),
   * and the broker's copy to storage's epoch if the room started over; answers whether it moved.
   * Only valid inside the room's turn.
   */
  catchUp(room: string, follower: RoomFollower): Promise<boolean>;
  /**
   * In the room's turn: catches up (see `catchUp`) and seeds the broker's copy again if it holds
   * none (a flushed or restarted Redis), so that a join is served whole.
   */
  refresh(room: string, follower: RoomFollower): Promise<void>;
  /**
   * In the room's turn, for an op found applied at `seq` (a retry, rule B2): publishes the stored
   * events from `seq` on unless the broker's copy holds them. The op's append may have lost its
   * reply after the commit on a node that died before publishing it, and this node may have
   * caught up past it without publishing anything.
   */
  republish(room: string, seq: number, follower: RoomFollower): Promise<void>;
  /**
   * Stops retrying publishes that failed, after a last few attempts (at most 2 s) for the rooms
   * still owed.
   */
  stop(): Promise<void>;
  /**
   * The position of the newest event the domain applied in memory: a snapshot's (rule R2). Throws
   * a {@link RoomNotOpenError} for a room not open here (never opened, released or forgotten).
   */
  applied(room: string): StreamPosition;
  /**
   * Lets go of an idle room's position here; storage keeps the room and the next `open` reads it
   * back. The domain lets go of its state of the room with it. Only valid inside the room's turn.
   */
  release(room: string): void;
  /**
   * Forgets a room storage deleted (rule G3), in its turn: its position here and the broker's copy;
   * opening it again starts a new room.
   */
  forget(room: string): Promise<void>;
}

/** Creates an {@link EventLog} over a storage and a broker. */
export function createEventLog(deps: {
  broker: Broker;
  storage: Storage;
  log: Logger;
  now: () => number;
  historyMaxEvents: number;
  /**
   * The health of a networked broker: while it is down, appends are refused `unavailable` (not
   * while it only refuses writes: those are stored and published once it takes them).
   */
  brokerStatus?: (() => BrokerStatus) | null;
}): EventLog {
  const { broker, storage, log, now, historyMaxEvents } = deps;
  const rooms = new Map<string, AppliedPosition>();
  const opening = new Map<string, Promise<RoomHead>>();
  const turns = new Map<string, Turns>();

  /** Seeds the broker's copy with storage's events up to `headSeq` (the newest it may hold). */
  const seed = async (room: string, epoch: string, headSeq: number): Promise<void> => {
    const after = Math.max(0, headSeq - historyMaxEvents);
    const stored = await storage.readEvents(room, after, headSeq - after);
    await broker.seed(room, { epoch, headSeq, entries: entriesThrough(stored, headSeq) });
  };

  /**
   * Rooms where `storage.append` threw, with the follower of that append and the seq applied
   * before it: the reply may have been lost after the commit (a dropped connection, a client
   * timeout), so the event may be stored though nobody published it. The room's next catch-up
   * publishes the stored events after that seq.
   */
  const unsure = new Map<string, { readonly follower: RoomFollower; readonly after: number }>();
  const doubt = (room: string, follower: RoomFollower, after: number): void => {
    unsure.set(room, { follower, after: Math.min(after, unsure.get(room)?.after ?? Infinity) });
  };

  /**
   * Copies the room's stored events up to the head it applied into the broker (a failed publish),
   * after catching up a room whose append may have stored an event nobody published.
   */
  const republisher = createRepublisher(
    (room) =>
      inTurn(room, async () => {
        const state = rooms.get(room);
        if (!state) return;
        const owed = unsure.get(room);
        if (owed) await follow(room, state, owed.follower);
        await seed(room, state.head.epoch, state.head.headSeq);
      }),
    log,
  );

  const load = async (room: string): Promise<RoomHead> => {
    const head = await storage.readHead(room);
    await seed(room, head.epoch, head.headSeq);
    rooms.set(room, { head, applied: head.headSeq });
    return head;
  };
  const open = (room: string): Promise<RoomHead> => {
    const state = rooms.get(room);
    // A copy the broker let go of while the room was idle is seeded again from storage.
    if (state && broker.holds?.(room) === false)
      return seed(room, state.head.epoch, state.head.headSeq).then(() => state.head);
    if (state) return Promise.resolve(state.head);
    let pending = opening.get(room);
    if (!pending) {
      pending = load(room).finally(() => opening.delete(room));
      opening.set(room, pending);
    }
    return pending;
  };

  /**
   * Hands the stored event to the broker; a copy that is behind or reset is seeded and retried. A
   * publish that fails anyway is retried by the republisher: the event is stored, so acknowledged.
   */
  const publish = async (room: string, position: StreamPosition, frame: string): Promise<void> => {
    try {
      let result = await broker.publish(room, position, frame, STORED);
      if (result === 'gap' || result === 'epoch') {
        await seed(room, position.epoch, position.seq - 1);
        result = await broker.publish(room, position, frame, STORED);
      }
      if (result === 'gap' || result === 'epoch') {
        log.error('event_log.publish_refused', { room, seq: position.seq, result });
        republisher.add(room);
      }
    } catch (error) {
      log.error('event_log.publish_failed', {
        room,
        seq: position.seq,
        error: errorMessage(error),
      });
      republisher.add(room);
    }
  };

  /**
   * {@link catchUpRoom}; in a room whose append may have stored an event nobody published, it
   * then publishes the stored events up to the seq it applied, so that every watcher gets that
   * one (a copy that holds an event answers `duplicate`, and it is not delivered twice).
   */
  const follow = async (
    room: string,
    state: AppliedPosition,
    follower: RoomFollower,
    epoch: string = state.head.epoch,
  ): Promise<boolean> => {
    const { epoch: before } = state.head;
    const moved = await catchUpRoom(storage, room, state, follower, epoch);
    const owed = unsure.get(room);
    // A room that started over (G3) holds none of the old epoch's events to publish.
    if (owed && state.head.epoch === before) {
      const after = Math.max(owed.after, state.applied - historyMaxEvents);
      const stored = await storage.readEvents(room, after, state.applied - after);
      for (const entry of entriesThrough(stored, state.applied))
        await publish(room, { seq: entry.seq, epoch: before }, entry.frame);
    }
    unsure.delete(room);
    return moved;
  };

  /** {@link EventLog.republish} */
  const republish = async (
    room: string,
    state: AppliedPosition,
    follower: RoomFollower,
    seq: number,
  ): Promise<void> => {
    // Applied at a seq this node never applied: an append whose reply was lost stored it (here or
    // on another node), and nobody may have published it.
    if (seq > state.applied) doubt(room, follower, state.applied);
    else {
      // The copy's events are consecutive: one at or past `seq` means it holds that one.
      const copy = await broker.window(room);
      if (copy?.epoch === state.head.epoch && copy.headSeq >= seq) return;
      doubt(room, follower, seq - 1);
    }
    await follow(room, state, follower);
  };

  const appendOnce = async <T>(room: string, steps: AppendSteps<T>): Promise<AppendOutcome<T>> => {
    const state = rooms.get(room) ?? (await open(room), rooms.get(room));
    if (!state) return domainFailure('unavailable', `room ${room} could not be opened`);
    const deadline = performance.now() + CONFLICT_BUDGET_MS;
    for (let attempt = 1; attempt === 1 || performance.now() < deadline; attempt += 1) {
      if (attempt > 2) await pause();
      const position = { seq: state.head.headSeq + 1, epoch: state.head.epoch };
      const message = steps.build(position);
      if (isFailure(message)) return message;
      const frame = steps.serialize(message);
      const result = await storage
        .append({
          room,
          ...position,
          frame,
          at: now(),
          documents: steps.reduce(message, frame),
          ...(steps.opId !== undefined && { opId: steps.opId }),
          ...(steps.fence && { fence: steps.fence }),
        })
        .catch((error: unknown) => {
          doubt(room, steps, state.applied);
          republisher.add(room);
          throw error;
        });
      if (result.kind === 'duplicate') {
        await republish(room, state, steps, result.seq);
        return result;
      }
      if (result.kind === 'fenced') return fencedOut(room);
      if (result.kind === 'ok') {
        state.head = { epoch: position.epoch, headSeq: position.seq };
        await publish(room, position, frame);
        steps.apply(message);
        state.applied = position.seq;
        return { kind: 'appended', message };
      }
      log.debug('event_log.conflict', { room, seq: position.seq, head: result.head.headSeq });
      await follow(room, state, steps, result.head.epoch);
    }
    log.warn('event_log.contended', { room, budget_ms: CONFLICT_BUDGET_MS });
    return domainFailure('unavailable', `room ${room} kept moving; try again`);
  };
  /**
   * Storage failing (it logs why) refuses the change: nothing was stored, so nothing is published.
   * So does a broker known to be down, before anything is stored: a write nobody would hear of.
   */
  const appendTo =
    (room: string): Append =>
    (steps) => {
      const carrier = deps.brokerStatus?.();
      if (carrier && !carrier.ok && carrier.cause === 'outage')
        return Promise.resolve(
          domainFailure('unavailable', `not stored: message broker: ${causeKind(carrier.error)}`),
        );
      return appendOnce(room, steps).catch((error: unknown) =>
        domainFailure('unavailable', `not stored: ${errorKind(error)}`),
      );
    };

  function inTurn<R>(room: string, work: (append: Append) => Promise<R>): Promise<R> {
    let queue = turns.get(room);
    if (!queue) turns.set(room, (queue = createTurns()));
    const done = queue;
    return done
      .run(() => work(appendTo(room)))
      .finally(() => {
        if (done.idle && turns.get(room) === done) turns.delete(room);
      });
  }
  const catchUp = async (room: string, follower: RoomFollower): Promise<boolean> => {
    const state = rooms.get(room);
    if (!state) return false;
    const { epoch } = state.head;
    const moved = await follow(room, state, follower);
    // Storage started the room over (a run another node's retention deleted, G3): the copy still
    // holds the old epoch's events, which a join would otherwise serve after the new snapshot.
    if (state.head.epoch !== epoch) await seed(room, state.head.epoch, state.head.headSeq);
    return moved;
  };

  const eventLog: EventLog = {
    open,
    inTurn,
    catchUp,
    refresh: (room, follower) =>
      inTurn(room, async () => {
        await catchUp(room, follower);
        const state = rooms.get(room);
        if (state && !(await broker.window(room)))
          await seed(room, state.head.epoch, state.head.headSeq);
      }),
    async republish(room, seq, follower) {
      const state = rooms.get(room);
      if (state) await republish(room, state, follower, seq);
    },
    stop: () => republisher.stop(),
    release: (room) => {
      rooms.delete(room);
      unsure.delete(room);
    },
    forget(room) {
      return inTurn(room, async () => {
        rooms.delete(room);
        unsure.delete(room);
        await broker.drop(room);
      });
    },
    applied(room) {
      const state = rooms.get(room);
      if (!state)
        throw new RoomNotOpenError(`room ${JSON.stringify(room)} was read while it is not open`);
      return { seq: state.applied, epoch: state.head.epoch };
    },
  };
  return eventLog;
}
