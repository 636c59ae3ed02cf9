import type { Duplex } from 'node:stream';
import { createConnectionCaps, type ConnectionCapLimits } from './createConnectionCaps.js';

/**
 * The grace a refused socket (an upgrade refused, a malformed request, one over the socket caps)
 * gets to close its side, in ms: `graceMs` while its client (auth/addressKey.ts, or the TCP peer
 * where no request names one) and the server are under their caps of refused sockets waiting for
 * theirs, else 0 (cut once its answer is written).
 */
export type RefusalGrace = (socket: Duplex, client: string) => number;

/**
 * Creates the {@link RefusalGrace} of a server (rule L5). A refused socket holds no connection
 * slot, so the refusals that clients keep open are bounded here instead, by the connection caps'
 * own limits: a server holds at most as many refused sockets as it serves, and one address
 * that keeps its refusals open cannot use up the grace every other client's refusal needs to be
 * answered with a close code.
 */
export function createRefusalGrace(limits: ConnectionCapLimits, graceMs: number): RefusalGrace {
  const waiting = createConnectionCaps(limits);
  return (socket, client) => {
    // A socket already gone emits no 'close' that would give its place back.
    if (socket.destroyed) return 0;
    const place = waiting.admit(client);
    if (!place.ok) return 0;
    socket.once('close', place.release);
    return graceMs;
  };
}
