import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { Broker, StreamPosition } from '../rooms/Broker.js';
import type { Storage, StorageWrite } from '../storage/Storage.js';

/** Ordered rooms backed by storage: history survives restarts with its epoch (rule W4). */
export interface EventLog {
  /** Opens a room, restoring its epoch and history from storage the first time. */
  open(room: string): void;
  /**
   * Publishes the next event of `room`, serialized by `serialize` (the protocol's encoder of its
   * route). The event and the documents `persist` returns are written in one transaction before
   * any subscriber sees the event; a storage error throws and publishes nothing.
   */
  append<T>(
    room: string,
    build: (position: StreamPosition) => T,
    serialize: (message: T) => string,
    persist?: (message: T) => Omit<StorageWrite, 'event'>,
  ): T;
}

/** Creates an {@link EventLog} over a broker and a storage. */
export function createEventLog(deps: {
  broker: Broker;
  storage: Storage;
  log: Logger;
  now: () => number;
  historyMaxEvents: number;
}): EventLog {
  const { broker, storage, log, now } = deps;
  const opened = new Set<string>();
  const open = (room: string): void => {
    if (opened.has(room)) return;
    let seed = null;
    try {
      seed = storage.loadRoom(room, deps.historyMaxEvents);
    } catch (error) {
      log.warn('event_log.load_failed', { room, error: errorMessage(error) });
    }
    broker.openOrdered(room, seed);
    opened.add(room);
  };
  return {
    open,
    append(room, build, serialize, persist) {
      open(room);
      let position: StreamPosition = { seq: 0, epoch: '' };
      return broker.publish(
        room,
        (assigned) => {
          position = assigned;
          return build(assigned);
        },
        serialize,
        (message, frame) =>
          storage.write({
            ...persist?.(message),
            event: { room, epoch: position.epoch, seq: position.seq, frame, at: now() },
          }),
      );
    },
  };
}
