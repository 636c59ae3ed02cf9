import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { Broker, StreamPosition } from '../rooms/Broker.js';
import type { DocumentWrite, RoomHead, Storage } from '../storage/Storage.js';
import { createTurns, type Turns } from './createTurns.js';
import { domainFailure, type DomainFailure } from './DomainFailure.js';

/** How many times an append is rebuilt after another writer moved the room, before giving up. */
const CONFLICT_ATTEMPTS = 3;

/** How a domain turns one change into an event of an ordered room. */
export interface AppendSteps<T> {
  /** Recorded with the event (rule B2); storage answers `duplicate` if the room applied it. */
  readonly opId?: string;
  /** The event at `position`, built from the domain's state now. */
  build(position: StreamPosition): T;
  /** Its wire text (the protocol's encoder of the route). */
  serialize(message: T): string;
  /** Reduces the event once: the documents to store with it. */
  reduce(message: T): readonly DocumentWrite[];
  /** Keeps what `reduce` produced, once storage accepted the event and the broker has it. */
  apply(message: T): void;
  /** Reloads the domain's state from storage after another writer moved the room. */
  reload?(): Promise<void>;
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
  /** The position of the newest event the domain applied in memory: a snapshot's (rule R2). */
  applied(room: string): StreamPosition;
}

interface RoomState {
  head: RoomHead;
  applied: number;
}

/** Creates an {@link EventLog} over a storage and a broker. */
export function createEventLog(deps: {
  broker: Broker;
  storage: Storage;
  log: Logger;
  now: () => number;
  historyMaxEvents: number;
}): EventLog {
  const { broker, storage, log, now, historyMaxEvents } = deps;
  const rooms = new Map<string, RoomState>();
  const opening = new Map<string, Promise<RoomHead>>();
  const turns = new Map<string, Turns>();

  /** Seeds the broker's copy with storage's events up to `headSeq` (the newest it may hold). */
  const seed = async (room: string, epoch: string, headSeq: number): Promise<void> => {
    const after = Math.max(0, headSeq - historyMaxEvents);
    const entries = await storage.readEvents(room, after, headSeq - after);
    await broker.seed(room, { epoch, headSeq, entries });
  };

  const load = async (room: string): Promise<RoomHead> => {
    const head = await storage.openRoom(room);
    await seed(room, head.epoch, head.headSeq);
    rooms.set(room, { head, applied: head.headSeq });
    return head;
  };
  const open = (room: string): Promise<RoomHead> => {
    const state = rooms.get(room);
    if (state) return Promise.resolve(state.head);
    let pending = opening.get(room);
    if (!pending) {
      pending = load(room).finally(() => opening.delete(room));
      opening.set(room, pending);
    }
    return pending;
  };

  /** Hands the stored event to the broker; a copy that is behind or reset is seeded and retried. */
  const publish = async (room: string, position: StreamPosition, frame: string): Promise<void> => {
    try {
      let result = await broker.publish(room, position, frame);
      if (result === 'gap' || result === 'epoch') {
        await seed(room, position.epoch, position.seq - 1);
        result = await broker.publish(room, position, frame);
      }
      if (result === 'gap' || result === 'epoch')
        log.error('event_log.publish_refused', { room, seq: position.seq, result });
    } catch (error) {
      // Stored, so acknowledged; the broker's copy is seeded again from storage on its next gap.
      log.error('event_log.publish_failed', {
        room,
        seq: position.seq,
        error: errorMessage(error),
      });
    }
  };

  const appendOnce = async <T>(room: string, steps: AppendSteps<T>): Promise<AppendOutcome<T>> => {
    const state = rooms.get(room) ?? (await open(room), rooms.get(room));
    if (!state) return domainFailure('unavailable', `room ${room} could not be opened`);
    for (let attempt = 1; attempt <= CONFLICT_ATTEMPTS; attempt += 1) {
      const position = { seq: state.head.headSeq + 1, epoch: state.head.epoch };
      const message = steps.build(position);
      const frame = steps.serialize(message);
      const result = await storage.append({
        room,
        ...position,
        frame,
        at: now(),
        documents: steps.reduce(message),
        ...(steps.opId !== undefined && { opId: steps.opId }),
      });
      if (result.kind === 'duplicate') return result;
      if (result.kind === 'ok') {
        state.head = { epoch: position.epoch, headSeq: position.seq };
        await publish(room, position, frame);
        steps.apply(message);
        state.applied = position.seq;
        return { kind: 'appended', message };
      }
      log.warn('event_log.conflict', { room, seq: position.seq, head: result.head.headSeq });
      state.head = result.head;
      await steps.reload?.();
      state.applied = result.head.headSeq;
    }
    return domainFailure('unavailable', `room ${room} kept moving; try again`);
  };
  /** Storage failing (it logs why) refuses the change: nothing was stored, so nothing is published. */
  const appendTo =
    (room: string): Append =>
    (steps) =>
      appendOnce(room, steps).catch((error: unknown) =>
        domainFailure('unavailable', `not stored: ${errorMessage(error)}`),
      );

  return {
    open,
    inTurn(room, work) {
      let queue = turns.get(room);
      if (!queue) turns.set(room, (queue = createTurns()));
      const done = queue;
      return done
        .run(() => work(appendTo(room)))
        .finally(() => {
          if (done.idle && turns.get(room) === done) turns.delete(room);
        });
    },
    applied(room) {
      const state = rooms.get(room);
      if (!state) throw new Error(`room ${JSON.stringify(room)} was read before it was opened`);
      return { seq: state.applied, epoch: state.head.epoch };
    },
  };
}
