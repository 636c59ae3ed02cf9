import type { Duplex } from 'node:stream';

/**
 * The grace a socket refused at the upgrade gets to close its side, in ms: `graceMs` while fewer
 * than `limit` refused sockets wait for theirs, else 0 (cut once its answer is written).
 */
export type RefusalGrace = (socket: Duplex) => number;

/**
 * Creates the {@link RefusalGrace} of a gateway (rule L5). A refused socket holds no connection
 * slot, so the refusals that clients keep open are bounded here instead: with `limit` the total
 * cap, a server holds at most twice as many upgrade sockets as it serves.
 */
export function createRefusalGrace(limit: number, graceMs: number): RefusalGrace {
  let waiting = 0;
  return (socket) => {
    if (waiting >= limit) return 0;
    waiting += 1;
    socket.once('close', () => (waiting -= 1));
    return graceMs;
  };
}
