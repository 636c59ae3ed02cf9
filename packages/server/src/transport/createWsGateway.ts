import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  AUTH_SUBPROTOCOL_PREFIX,
  closeReason,
  MAX_PAYLOAD_BYTES,
  SUBPROTOCOL,
  routes,
  type RouteStats,
  type WsRouteName,
} from '@liveline/protocol';
import { WebSocketServer, type ServerOptions } from 'ws';
import { errorMessage } from '../errors.js';
import { loggableUrl } from '../log/loggableUrl.js';
import { createBadMessageLog } from './createBadMessageLog.js';
import { createConnectionRegistry } from './createConnectionRegistry.js';
import { permissionTarget, type Auth, type AuthRefusal } from '../auth/createAuth.js';
import { readToken } from '../auth/readToken.js';
import { addressKey } from '../auth/addressKey.js';
import { createSocketAcceptor, type SocketAcceptorOptions } from './createSocketAcceptor.js';
import type { RefusalGrace } from './createRefusalGrace.js';
import { createUpgradeAdmission, type UpgradeAdmissionOptions } from './createUpgradeAdmission.js';
import { errorBody, rejectUpgrade } from '../http/httpReplies.js';
import type { UpgradeRejection } from './resolveUpgradeTarget.js';

/** Options of the WebSocket side of the server. */
export interface WsGatewayOptions extends SocketAcceptorOptions, UpgradeAdmissionOptions {
  readonly heartbeatIntervalMs: number;
  readonly pingIntervalMs: number;
  /** Time a socket the server closes has to close its side before it is cut (rule L5). */
  readonly closeGraceMs: number;
  /** The grace of a refused upgrade, bounded with every other refusal of the server's (rule L5). */
  readonly refusalGrace: RefusalGrace;
  /** Token verification and route permissions (rules A2–A8). */
  readonly auth: Auth;
}

/** The WebSocket side: upgrade routing, connections, liveness and per-route counters. */
export interface WsGateway {
  /** Handles an HTTP upgrade request (rules P3, O1, O3, V1). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** From now on answers upgrades with 503. */
  startDraining(): void;
  /** Closes every socket with `code` and `reason`. */
  disconnectAll(code: number, reason: string): void;
  /** Per-route counters for `/health`. */
  stats(): Record<WsRouteName, RouteStats>;
  /** Number of open connections. */
  connectionCount(): number;
  /** Resolves once no connection is open (at once if none is). */
  whenIdle(): Promise<void>;
  /** Stops timers and terminates what is left. */
  close(): void;
}

/** The answer to an upgrade while the server drains (rule D1). */
const DRAINING: UpgradeRejection = {
  status: 503,
  code: 'unavailable',
  message: 'server is draining; reconnect shortly',
  field: null,
};

/** Creates the WebSocket gateway. */
export function createWsGateway(options: WsGatewayOptions): WsGateway {
  const { log, now } = options;
  let draining = false;
  const connections = createConnectionRegistry();
  const admit = createUpgradeAdmission(options);
  const accept = createSocketAcceptor(options, connections);
  const graceOf = (req: IncomingMessage, socket: Duplex): number =>
    options.refusalGrace(socket, addressKey(options.clientAddress(req)));

  // ws 8.23 hands closeTimeout to every socket it accepts; @types/ws does not list it yet.
  const serverOptions: ServerOptions & { readonly closeTimeout: number } = {
    noServer: true,
    closeTimeout: options.closeGraceMs,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Offering liveline.v1 selects it; offering only other versions completes the handshake so
    // the browser can read the 4406 reason (rule V1). A token subprotocol is never echoed (A2).
    handleProtocols: (offered) =>
      offered.has(SUBPROTOCOL)
        ? SUBPROTOCOL
        : ([...offered].find((p) => !p.startsWith(AUTH_SUBPROTOCOL_PREFIX)) ?? false),
  };
  const wss = new WebSocketServer(serverOptions);

  /**
   * Answers a refused token (rule A7): HTTP for clients that can read it, accept-then-close for a
   * browser (an `Origin` is present), which cannot read a handshake's status, and for a Liveline
   * client (it offers `liveline.v1`), whose WebSocket API cannot either, even in Node. A socket
   * left no grace (too many refusals wait, L5) gets HTTP, which can be cut once written.
   */
  const refuse = (
    name: WsRouteName,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    r: AuthRefusal,
  ): void => {
    const readsCloseCodes =
      req.headers.origin !== undefined ||
      (req.headers['sec-websocket-protocol'] ?? '')
        .split(',')
        .some((p) => p.trim() === SUBPROTOCOL);
    const graceMs = graceOf(req, socket);
    if (readsCloseCodes && r.closeCode !== null && graceMs > 0) {
      const code = r.closeCode;
      wss.handleUpgrade(req, socket, head, (ws) => {
        // One broken frame at most: ws closes the socket on the first.
        ws.on(
          'error',
          createBadMessageLog(log, { route: name, ip: options.clientAddress(req) }).brokenFrame,
        );
        ws.close(code, closeReason(r.message));
      });
      return;
    }
    rejectUpgrade(socket, graceMs, r.status, errorBody(r.code, r.message), r.headers);
  };

  const pingTimer = setInterval(() => {
    for (const connection of connections) connection.ping();
  }, options.pingIntervalMs);
  const heartbeatTimer = setInterval(
    () => {
      const t = now();
      for (const connection of connections)
        if (connection.open && t - connection.quietSince(t) >= options.heartbeatIntervalMs)
          connection.sendMessage({ type: 'heartbeat', data: { server_time: t } });
    },
    Math.max(1, Math.min(1000, options.heartbeatIntervalMs / 4)),
  );
  pingTimer.unref();
  heartbeatTimer.unref();

  /** Answers an upgrade that was not admitted (or came in while the drain began). */
  const rejectAdmission = (req: IncomingMessage, socket: Duplex, r: UpgradeRejection): void => {
    log.warn('ws.upgrade_rejected', {
      path: loggableUrl(req.url ?? ''),
      // The whole address, as auth.refused logs it: the reason names only the /64 L5 counted.
      ip: options.clientAddress(req),
      origin: req.headers.origin ?? null,
      status: r.status,
      reason: r.message,
    });
    rejectUpgrade(
      socket,
      graceOf(req, socket),
      r.status,
      errorBody(r.code, r.message, r.field, r.extra),
      r.headers,
    );
  };

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const admitted = draining ? { ok: false as const, rejection: DRAINING } : admit(req, socket);
      if (!admitted.ok) {
        rejectAdmission(req, socket, admitted.rejection);
        return;
      }
      const { permission } = routes[admitted.name];
      const target = permissionTarget(permission, admitted.params, admitted.query);
      const token = readToken(req);
      const checked = options.auth.check(req, token, permission, target).then((authorized) => {
        // Rule L5: a refused upgrade gives its slot back at once, though its client may keep the
        // socket open for its grace: refusals kept open never lock out clients with a valid token.
        if (draining || !authorized.ok) admitted.releaseSlot();
        // Rule D1: the drain may have begun while the token was checked; a socket accepted now
        // would miss the drain's 1012 and hold it open until its timeout.
        if (draining) {
          rejectAdmission(req, socket, DRAINING);
          return;
        }
        if (!authorized.ok) {
          refuse(admitted.name, req, socket, head, authorized.refusal);
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => {
          const context = {
            params: admitted.params,
            query: admitted.query,
            resume: admitted.resume,
            identity: authorized.identity,
          };
          accept(admitted.name, ws, socket, options.clientAddress(req), context);
        });
      });
      checked.catch((error: unknown) => {
        log.error('ws.upgrade_failed', {
          path: loggableUrl(req.url ?? ''),
          error: errorMessage(error),
        });
        socket.destroy();
      });
    },
    startDraining: () => {
      draining = true;
    },
    disconnectAll(code, reason) {
      for (const connection of connections) connection.close(code, reason);
    },
    stats: () => connections.stats(),
    connectionCount: () => connections.size(),
    whenIdle: () => connections.whenIdle(),
    close() {
      clearInterval(pingTimer);
      clearInterval(heartbeatTimer);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
