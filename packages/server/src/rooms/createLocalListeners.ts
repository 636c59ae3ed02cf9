import type { FrameListener } from './Broker.js';

/** The listeners a node's sockets hold, per room: a broker hands each frame to them in process. */
export interface LocalListeners {
  /**
   * Adds a listener of `room`, and what to call if the room is dropped; returns the function that
   * removes both.
   */
  add(room: string, listener: FrameListener, dropped?: () => void): () => void;
  /** Hands a frame to every listener of `room`. */
  deliver(room: string, frame: Buffer, seq: number | null, epoch: string | null): void;
  /** Tells every listener of `room` that the room was dropped (its stream deleted, G3). */
  dropped(room: string): void;
  /** Whether `room` has a listener. */
  has(room: string): boolean;
  /** How many listeners `room` has. */
  count(room: string): number;
}

/** Adds `item` to the set of `room`; returns the function that removes it (and an emptied set). */
function addTo<T>(sets: Map<string, Set<T>>, room: string, item: T): () => void {
  let set = sets.get(room);
  if (!set) sets.set(room, (set = new Set()));
  set.add(item);
  return () => {
    set.delete(item);
    if (set.size === 0 && sets.get(room) === set) sets.delete(room);
  };
}

/** Creates {@link LocalListeners}; a room without listeners takes no memory. */
export function createLocalListeners(): LocalListeners {
  const rooms = new Map<string, Set<FrameListener>>();
  const drops = new Map<string, Set<() => void>>();
  return {
    add(room, listener, dropped) {
      const remove = addTo(rooms, room, listener);
      const forget = dropped && addTo(drops, room, dropped);
      return () => {
        remove();
        forget?.();
      };
    },
    deliver(room, frame, seq, epoch) {
      for (const listener of rooms.get(room) ?? []) listener(frame, seq, epoch);
    },
    dropped(room) {
      // A told listener may leave at once (its socket closes): iterate over a copy.
      for (const tell of [...(drops.get(room) ?? [])]) tell();
    },
    has: (room) => rooms.has(room),
    count: (room) => rooms.get(room)?.size ?? 0,
  };
}
