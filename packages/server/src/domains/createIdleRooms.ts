import { createIdleSweep } from '../createIdleSweep.js';
import type { EventLog } from './createEventLog.js';

/** Which ordered rooms of a domain are in use, so that the idle ones leave memory (rule G1). */
export interface IdleRooms {
  /** Marks a room's key used now; lets go of the idle ones when a sweep is due. */
  use(key: string): void;
}

/**
 * Creates an {@link IdleRooms}: a key nobody used for `idleMs` and that the domain does not hold
 * busy is let go of in its room's turn (where no append or catch-up is under way): the domain's
 * state (`release`) and the room's position. Storage keeps both and the next open reads them
 * back, so memory follows the rooms in use, not every room ever opened.
 */
export function createIdleRooms(deps: {
  events: EventLog;
  room: (key: string) => string;
  now: () => number;
  idleMs: number;
  /** Whether something here still needs the key's state (a socket, a load, a run). */
  busy: (key: string) => boolean;
  /** Lets go of the key's state; runs in its room's turn. */
  release: (key: string) => void;
}): IdleRooms {
  const { events, room, now } = deps;
  /** When each key was last used, epoch ms. */
  const usedAt = new Map<string, number>();
  const idle = (key: string, t: number): boolean =>
    t - (usedAt.get(key) ?? t) >= deps.idleMs && !deps.busy(key);
  const sweep = createIdleSweep(deps.idleMs, now, (t) => {
    for (const key of usedAt.keys())
      if (idle(key, t))
        void events.inTurn(room(key), () => {
          if (idle(key, now())) {
            usedAt.delete(key);
            deps.release(key);
            events.release(room(key));
          }
          return Promise.resolve();
        });
  });
  return {
    use(key) {
      const t = now();
      usedAt.set(key, t);
      sweep(t);
    },
  };
}
