import type { FrameListener } from './Broker.js';

/** The listeners a node's sockets hold, per room: a broker hands each frame to them in process. */
export interface LocalListeners {
  /** Adds a listener of `room`; returns the function that removes it. */
  add(room: string, listener: FrameListener): () => void;
  /** Hands a frame to every listener of `room`. */
  deliver(room: string, frame: Buffer, seq: number | null, epoch: string | null): void;
  /** Whether `room` has a listener. */
  has(room: string): boolean;
  /** How many listeners `room` has. */
  count(room: string): number;
}

/** Creates {@link LocalListeners}; a room without listeners takes no memory. */
export function createLocalListeners(): LocalListeners {
  const rooms = new Map<string, Set<FrameListener>>();
  return {
    add(room, listener) {
      let set = rooms.get(room);
      if (!set) rooms.set(room, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0) rooms.delete(room);
      };
    },
    deliver(room, frame, seq, epoch) {
      for (const listener of rooms.get(room) ?? []) listener(frame, seq, epoch);
    },
    has: (room) => rooms.has(room),
    count: (room) => rooms.get(room)?.size ?? 0,
  };
}
