import { CloseCode, SUBPROTOCOL, routes, type WsRoute, type WsRouteName } from '@liveline/protocol';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { permissionTarget } from '../auth/createAuth.js';
import { watchIdentity, type IdentityWatch } from '../auth/watchIdentity.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { Connection, type FlowLimits } from './Connection.js';
import { createBadMessageLog } from './createBadMessageLog.js';
import type { ConnectionRegistry } from './createConnectionRegistry.js';
import { createMessageHandler, type LooseSession } from './createMessageHandler.js';
import type { AnyWsOpenResult, RouteHandlers, WsContext } from './RouteHandlers.js';

/** What accepted sockets are served with. */
export interface SocketAcceptorOptions {
  readonly handlers: RouteHandlers;
  readonly log: Logger;
  readonly now: () => number;
  readonly flow: FlowLimits;
  /** Messages per second a socket may send on average (rule L4). */
  readonly rateLimitPerSecond: number;
  /** Messages a socket may send in a burst (rule L4). */
  readonly rateLimitBurst: number;
}

/** Turns an upgraded socket of route `name` into a registered connection with its route's session. */
export type AcceptSocket = (
  name: WsRouteName,
  socket: WebSocket,
  wire: Duplex,
  ip: string,
  context: Omit<WsContext<WsRouteName>, 'connection'>,
) => void;

/** Route handlers seen with method (bivariant) parameters, so one call site can serve every route. */
type LooseWsHandlers = {
  readonly [R in WsRouteName]: { open(context: WsContext<WsRouteName>): AnyWsOpenResult }['open'];
};
const wsHandlers = (handlers: RouteHandlers): LooseWsHandlers => handlers;

/** Creates the {@link AcceptSocket} that adds connections to `connections`. */
export function createSocketAcceptor(
  options: SocketAcceptorOptions,
  connections: ConnectionRegistry,
): AcceptSocket {
  const { log, now } = options;
  return (name, socket, wire, ip, context) => {
    const { identity } = context;
    const route: WsRoute = routes[name];
    const connection = new Connection(
      name,
      route.delivery,
      socket,
      wire,
      connections.counters(name),
      options.flow,
      now,
    );
    connections.add(connection);
    const bad = createBadMessageLog(log, { route: name, id: connection.id, ip });
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
    socket.on('error', bad.brokenFrame);
    socket.on('close', (code, reason) => {
      bad.closed(code);
      connections.delete(connection);
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

    socket.on(
      'message',
      createMessageHandler({
        connection,
        bad,
        watch,
        log,
        now,
        rateLimitPerSecond: options.rateLimitPerSecond,
        rateLimitBurst: options.rateLimitBurst,
        session: () => session,
      }),
    );

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
}
