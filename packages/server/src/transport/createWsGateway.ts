import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  AUTH_SUBPROTOCOL_PREFIX,
  CloseCode,
  closeReason,
  MAX_PAYLOAD_BYTES,
  type ClientControlMessage,
  type ErrorCode,
  SUBPROTOCOL,
  WS_ROUTE_NAMES,
  parse,
  parseJson,
  routes,
  type RouteStats,
  type WsRoute,
  type WsRouteName,
} from '@liveline/protocol';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { loggableUrl } from '../log/loggableUrl.js';
import { checkHandshakeHeaders } from './checkHandshakeHeaders.js';
import { Connection, type FlowLimits } from './Connection.js';
import { createBadMessageLog, type BadMessageLog } from './createBadMessageLog.js';
import { createConnectionCaps, type ConnectionCapLimits } from './createConnectionCaps.js';
import { MAX_BAD_MESSAGES, createInboundGuard } from './createInboundGuard.js';
import type { RequestPolicy } from './createRequestPolicy.js';
import { permissionTarget, type Auth, type AuthRefusal } from '../auth/createAuth.js';
import { watchIdentity, type IdentityWatch } from '../auth/watchIdentity.js';
import { errorBody, rejectUpgrade } from './httpReplies.js';
import type { AnyWsOpenResult, RouteHandlers, WsContext } from './RouteHandlers.js';
import {
  resolveUpgradeTarget,
  type Resolved,
  type UpgradeRejection,
  type UpgradeTarget,
} from './resolveUpgradeTarget.js';
import { createRouteCounters, type RouteCounters } from './routeStats.js';

/** Options of the WebSocket side of the server. */
export interface WsGatewayOptions {
  readonly handlers: RouteHandlers;
  readonly log: Logger;
  readonly now: () => number;
  readonly flow: FlowLimits;
  readonly rateLimitPerSecond: number;
  readonly rateLimitBurst: number;
  readonly heartbeatIntervalMs: number;
  readonly pingIntervalMs: number;
  /** `Host` and `Origin` checks shared with the HTTP API (rules O1, O3). */
  readonly policy: RequestPolicy;
  /** Token verification and route permissions (rules A2–A8). */
  readonly auth: Auth;
  /** Total and per-IP caps on open sockets (rule L5). */
  readonly caps: ConnectionCapLimits;
  /** The client's address, through trusted proxies (rule L6). */
  readonly clientAddress: (req: IncomingMessage) => string;
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

/** A session as the gateway calls it: with a message already validated against the route's schema. */
interface LooseSession {
  readonly onMessage?: (message: unknown) => void | Promise<void>;
  readonly onClose?: () => void;
}

/** Route handlers seen with method (bivariant) parameters, so one call site can serve every route. */
type LooseWsHandlers = {
  readonly [R in WsRouteName]: { open(context: WsContext<WsRouteName>): AnyWsOpenResult }['open'];
};
const wsHandlers = (handlers: RouteHandlers): LooseWsHandlers => handlers;

const rawText = (data: RawData): string =>
  (Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data)
  ).toString('utf8');

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
  const connections = new Set<Connection>();
  /** Resolvers of {@link WsGateway.whenIdle}, called when the last connection closes. */
  const idleWaiters: (() => void)[] = [];
  const caps = createConnectionCaps(options.caps);
  const counters = Object.fromEntries(
    WS_ROUTE_NAMES.map((n) => [n, createRouteCounters()]),
  ) as Record<WsRouteName, RouteCounters>;

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: MAX_PAYLOAD_BYTES,
    // Offering liveline.v1 selects it; offering only other versions completes the handshake so
    // the browser can read the 4406 reason (rule V1). A token subprotocol is never echoed (A2).
    handleProtocols: (offered) =>
      offered.has(SUBPROTOCOL)
        ? SUBPROTOCOL
        : ([...offered].find((p) => !p.startsWith(AUTH_SUBPROTOCOL_PREFIX)) ?? false),
  });

  /** Every check an upgrade passes before it becomes a socket, in order; the first failure wins. */
  const admit = (req: IncomingMessage, socket: Duplex): Resolved<UpgradeTarget> => {
    if (draining) return { ok: false, rejection: DRAINING };
    const refused = options.policy.check(req, true);
    if (refused) return { ok: false, rejection: refused };
    const target = resolveUpgradeTarget(req.url ?? '/');
    if (!target.ok) return target;
    const problem = checkHandshakeHeaders(req);
    if (problem)
      return {
        ok: false,
        rejection: {
          status: problem.status,
          code: 'invalid_field',
          message: problem.message,
          field: problem.field,
          ...(problem.status === 426 ? { headers: { 'Sec-WebSocket-Version': '13' } } : {}),
        },
      };
    // Rule L5: a slot is held from here until the TCP socket closes, whatever ws does with it.
    const ip = options.clientAddress(req);
    const slot = caps.admit(ip);
    if (!slot.ok)
      return {
        ok: false,
        rejection: {
          status: 503,
          code: 'unavailable',
          message:
            slot.scope === 'ip'
              ? `too many connections from ${ip} (limit ${slot.limit}); close some or retry later`
              : `the server is at its connection limit (${slot.limit}); retry later`,
          field: null,
          headers: { 'Retry-After': '1' },
          extra: { scope: slot.scope, limit: slot.limit },
        },
      };
    socket.once('close', slot.release);
    return target;
  };

  /**
   * Records a socket's protocol error (a broken frame: 1002, 1007, 1009) as bad input; ws closes the
   * socket itself. Every accepted socket needs this listener: an `error` event with none throws and
   * ends the process.
   */
  const onBrokenFrame =
    (bad: BadMessageLog) =>
    (error: Error & { code?: string }): void =>
      bad.record(error.code ?? 'protocol_error', null);

  const accept = (
    name: WsRouteName,
    socket: WebSocket,
    wire: Duplex,
    ip: string,
    context: Omit<WsContext<WsRouteName>, 'connection'>,
  ): void => {
    const { identity } = context;
    const route: WsRoute = routes[name];
    const connection = new Connection(
      name,
      route.delivery,
      socket,
      wire,
      counters[name],
      options.flow,
      now,
    );
    connections.add(connection);
    const bad = createBadMessageLog(log, { route: name, id: connection.id, ip });
    const guard = createInboundGuard(
      {
        ratePerSecond: options.rateLimitPerSecond,
        burst: options.rateLimitBurst,
        maxBadMessages: MAX_BAD_MESSAGES,
      },
      now,
    );
    let session: LooseSession | null = null;
    const watch: IdentityWatch | null =
      identity &&
      watchIdentity(
        identity,
        route,
        permissionTarget(route.permission, context.params, context.query),
        now,
        () => connection.close(CloseCode.Unauthorized, 'token expired'),
      );
    socket.on('pong', () => (connection.alive = true));
    socket.on('error', onBrokenFrame(bad));
    socket.on('close', (code, reason) => {
      bad.closed(code);
      connections.delete(connection);
      if (connections.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
      connection.disposed();
      watch?.dispose();
      session?.onClose?.();
      log.debug('ws.closed', { route: name, id: connection.id, code, reason: reason.toString() });
    });

    const offered = socket.protocol;
    if (offered !== '' && offered !== SUBPROTOCOL) {
      connection.close(
        CloseCode.UnsupportedVersion,
        `unsupported protocol ${offered}; this server speaks ${SUBPROTOCOL}`,
      );
      return;
    }

    /** Answers a message that was not handled with an `error` (rule E1), counted by E2. */
    const answer = (error: { code: ErrorCode; message: string; field: string }): void => {
      connection.sendError({
        code: error.code,
        message: error.message,
        ...(error.field ? { field: error.field } : {}),
      });
      if (guard.recordBad()) connection.close(CloseCode.BadMessage, 'repeated bad messages');
    };
    /** Answers bad input, and logs it (the first of the connection; the rest are counted). */
    const reject = (error: { code: ErrorCode; message: string; field: string }): void => {
      bad.record(error.code, error.field || null);
      answer(error);
    };

    socket.on('message', (data: RawData, isBinary: boolean) => {
      // Rule K5: after the server's close frame (an expired token, a limit, the drain) ws reads on
      // until the peer's close frame or its 30 s timeout; what arrives then is not applied.
      if (!connection.open) return;
      const receivedAt = now();
      if (!guard.allow()) {
        bad.record('rate_limited', null);
        connection.close(CloseCode.TooManyRequests, 'rate limit exceeded');
        return;
      }
      if (isBinary)
        return reject({
          code: 'bad_json',
          message: 'binary frames are not supported; send JSON text',
          field: '',
        });
      const json = parseJson(rawText(data));
      if (!json.ok) return reject(json.error);
      const message = parse(route.client, json.value);
      if (!message.ok) return reject(message.error);
      // Every route's client schema includes the clock probe (rule T1): its tag is enough.
      if ((message.value as { type?: unknown }).type === 'time_sync') {
        const { id, t0 } = message.value as ClientControlMessage;
        connection.sendMessage({ type: 'time_sync', data: { id, t0, t1: receivedAt, t2: now() } });
        return;
      }
      const type = (message.value as { type: string }).type;
      const forbidden = watch?.forbidden(type);
      if (forbidden) {
        // Rule A6: nothing is applied and the socket stays open; the refusal is logged as bad
        // input is (once, then counted), but does not count toward E2's close.
        bad.record('forbidden', null);
        const opId = (message.value as { op_id?: unknown }).op_id;
        connection.sendError({
          code: 'forbidden',
          message: forbidden,
          ...(typeof opId === 'string' && { op_id: opId }),
        });
        return;
      }
      const failed = (error: unknown): void => {
        log.error('ws.handler_failed', { route: name, error: errorMessage(error) });
        answer({
          code: 'internal',
          message: 'the server could not handle this message',
          field: '',
        });
      };
      try {
        session?.onMessage?.(message.value)?.catch(failed);
      } catch (error) {
        failed(error);
      }
    });

    // The handler map is typed per route; here the route is only known at run time.
    const open = wsHandlers(options.handlers)[name];
    try {
      const opened = open({ ...context, connection });
      if ('notFound' in opened) {
        connection.close(CloseCode.NotFound, opened.notFound);
        return;
      }
      session = opened as LooseSession;
    } catch (error) {
      log.error('ws.open_failed', { route: name, error: errorMessage(error) });
      connection.close(CloseCode.InternalError, 'server error');
    }
  };

  /**
   * Answers a refused token (rule A7): HTTP for clients that can read it, accept-then-close for a
   * browser (an `Origin` is present), which cannot read a handshake's status, and for a Liveline
   * client (it offers `liveline.v1`), whose WebSocket API cannot either, even in Node.
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
    if (readsCloseCodes && r.closeCode !== null) {
      const code = r.closeCode;
      wss.handleUpgrade(req, socket, head, (ws) => {
        // One broken frame at most: ws closes the socket on the first.
        ws.on(
          'error',
          onBrokenFrame(createBadMessageLog(log, { route: name, ip: options.clientAddress(req) })),
        );
        ws.close(code, closeReason(r.message));
      });
      return;
    }
    rejectUpgrade(socket, r.status, errorBody(r.code, r.message), r.headers);
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

  /** Answers an upgrade that did not pass {@link admit} (or came in while the drain began). */
  const rejectAdmission = (req: IncomingMessage, socket: Duplex, r: UpgradeRejection): void => {
    log.warn('ws.upgrade_rejected', {
      path: loggableUrl(req.url ?? ''),
      origin: req.headers.origin ?? null,
      status: r.status,
      reason: r.message,
    });
    rejectUpgrade(socket, r.status, errorBody(r.code, r.message, r.field, r.extra), r.headers);
  };

  return {
    handleUpgrade(req, socket, head) {
      socket.on('error', () => socket.destroy());
      const admitted = admit(req, socket);
      if (!admitted.ok) {
        rejectAdmission(req, socket, admitted.rejection);
        return;
      }
      const { permission } = routes[admitted.name];
      const target = permissionTarget(permission, admitted.params, admitted.query);
      const checked = options.auth.check(req, permission, target).then((authorized) => {
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
    stats() {
      const out = {} as Record<WsRouteName, RouteStats>;
      for (const name of WS_ROUTE_NAMES) {
        const mine = [...connections].filter((c) => c.route === name);
        const rooms = new Set(mine.flatMap((c) => [...c.rooms]));
        out[name] = { connections: mine.length, rooms: rooms.size, ...counters[name] };
      }
      return out;
    },
    connectionCount: () => connections.size,
    whenIdle: () =>
      connections.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => idleWaiters.push(resolve)),
    close() {
      clearInterval(pingTimer);
      clearInterval(heartbeatTimer);
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
