import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { addressKey, canonicalAddress } from '../auth/addressKey.js';
import { errorBody, rejectUpgrade } from '../http/httpReplies.js';
import type { Logger } from '../log/createLogger.js';
import {
  capRejection,
  createConnectionCaps,
  type ConnectionCapLimits,
} from './createConnectionCaps.js';
import type { RefusalGrace } from './createRefusalGrace.js';

/** What {@link limitSockets} counts a server's sockets against. */
export interface SocketLimitOptions {
  /** The caps of rule L5, applied to the sockets that are no WebSocket apart from those that are. */
  readonly caps: ConnectionCapLimits;
  /** Peers counted in the total only: a proxy's sockets carry many clients (rule L6). */
  readonly trustedProxies: readonly string[];
  /** The grace of a refused socket, within the bound of every refusal of the server's. */
  readonly refusalGrace: RefusalGrace;
  readonly log: Logger;
}

/**
 * Caps the sockets of `server` that are no WebSocket (rule L5): idle keep-alive connections,
 * requests sent slowly, TCP connections that send nothing. Each holds a slot of its TCP peer's
 * from `connection` until it closes, is upgraded (counted as a WebSocket from then) or is refused
 * as malformed or timed out; one beyond a cap is answered `503` before node:http sees it, so nothing it sends is
 * served. Call it once Liveline is mounted: mountOnServer hands the `upgrade` listeners it finds
 * to the host.
 */
export function limitSockets(server: Server, options: SocketLimitOptions): void {
  const caps = createConnectionCaps(options.caps);
  const trusted = new Set(options.trustedProxies.map(canonicalAddress));
  const slots = new WeakMap<Duplex, () => void>();
  // node:http's own listener, which parses the socket: only an admitted one is handed to it.
  const parsers = server.listeners('connection') as ((socket: Socket) => void)[];
  server.removeAllListeners('connection');

  server.on('connection', (socket: Socket) => {
    const peer = canonicalAddress(socket.remoteAddress ?? 'unknown');
    const client = trusted.has(peer) ? null : addressKey(peer);
    const slot = caps.admit(client);
    if (!slot.ok) {
      socket.on('error', () => socket.destroy());
      // Read and dropped: a request left unread would turn the close into a reset, which can
      // reach the client before it has read the answer.
      socket.resume();
      const counted = client ?? peer;
      const rejection = capRejection(counted, slot);
      options.log.warn('http.socket_refused', { ip: peer, scope: slot.scope, limit: slot.limit });
      rejectUpgrade(
        socket,
        options.refusalGrace(socket, counted),
        rejection.status,
        errorBody(rejection.code, rejection.message, rejection.field, rejection.extra),
        rejection.headers,
      );
      return;
    }
    socket.once('close', slot.release);
    slots.set(socket, slot.release);
    for (const parse of parsers) parse.call(server, socket);
  });
  server.prependListener('upgrade', (_req, socket) => slots.get(socket)?.());
  // A refused request gives its slot back at once, as a refused upgrade does: the refusals
  // waiting for their grace are bounded apart (createRefusalGrace).
  server.on('clientError', (_error, socket) => slots.get(socket)?.());
}
