import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { matchRoute } from '@liveline/protocol';

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** What Liveline serves on a mounted server. */
export interface MountHandlers {
  /** Builds the request listener; `otherwise` serves paths outside the route table (or is absent). */
  readonly request: (otherwise: RequestListener | undefined) => RequestListener;
  /** Handles an upgrade to one of the table's WebSocket paths. */
  readonly upgrade: UpgradeListener;
  /** Told the address (or pipe) the server binds to each time it starts listening after the mount. */
  readonly listening?: (address: string) => void;
}

/** A server Liveline is mounted on. */
export interface Mount {
  /** `http(s)://host:port` the server is bound to, or `null` before it listens. */
  origin(): string | null;
  /** The host of {@link Mount.origin}, unbracketed, or `null` before the server listens. */
  host(): string | null;
  /** Gives the server back to the listeners it had before; once, whatever calls it again. */
  unmount(): void;
}

const isLivelineWsPath = (target: string): boolean => {
  const at = target.indexOf('?');
  const match = matchRoute('ws', at === -1 ? target : target.slice(0, at));
  return match.ok || match.reason !== 'no_route';
};

/** `scheme://host:port` of a bound server; an IPv6 host is bracketed. */
export const originOf = (scheme: 'http' | 'https', host: string, port: number): string =>
  `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;

/** The address `server` is bound to, a pipe's path for a Unix socket, or `null` before it listens. */
export const boundAddress = (server: Server | HttpsServer): string | null => {
  const address = server.address();
  return address === null || typeof address === 'string' ? address : address.address;
};

/**
 * Mounts Liveline on `server` beside the host's own routes. The `request` and `upgrade`
 * listeners the server has now are taken over: Liveline answers the paths of its route table and
 * hands every other request or upgrade to them, the way a Node server with several listeners
 * would not (each listener would answer every request). Listeners added later are not routed.
 */
export function mountOnServer(
  server: Server | HttpsServer,
  handlers: MountHandlers,
  boundHost?: string,
): Mount {
  const hostRequests = server.listeners('request') as RequestListener[];
  const hostUpgrades = server.listeners('upgrade') as UpgradeListener[];
  server.removeAllListeners('request');
  server.removeAllListeners('upgrade');
  const toHost =
    hostRequests.length === 0
      ? undefined
      : (req: IncomingMessage, res: ServerResponse): void => {
          for (const listener of hostRequests) listener.call(server, req, res);
        };
  const onRequest = handlers.request(toHost);
  const onUpgrade: UpgradeListener = (req, socket, head) => {
    if (hostUpgrades.length > 0 && !isLivelineWsPath(req.url ?? '/'))
      for (const listener of hostUpgrades) listener.call(server, req, socket, head);
    else {
      // Node drops the socket's error listener when it emits 'upgrade', and Liveline may defer
      // the upgrade until its domains started: a reset meanwhile must not crash the process.
      socket.on('error', () => socket.destroy());
      handlers.upgrade(req, socket, head);
    }
  };
  server.on('request', onRequest);
  server.on('upgrade', onUpgrade);
  const scheme = server instanceof HttpsServer ? 'https' : 'http';
  // Read once per bind, not per upgrade: the origin check runs on every handshake of a storm.
  let origin: string | null = null;
  let host: string | null = null;
  const learnOrigin = (): void => {
    const address = server.address();
    if (address === null || typeof address === 'string') {
      origin = host = null;
      return;
    }
    host = boundHost ?? address.address;
    origin = originOf(scheme, host, address.port);
  };
  const onListening = (): void => {
    learnOrigin();
    const address = boundAddress(server);
    if (address !== null) handlers.listening?.(address);
  };
  if (server.listening) learnOrigin();
  server.on('listening', onListening);
  let mounted = true;
  return {
    origin: () => origin,
    host: () => host,
    unmount() {
      if (!mounted) return;
      mounted = false;
      server.off('listening', onListening);
      server.off('request', onRequest);
      server.off('upgrade', onUpgrade);
      for (const listener of hostRequests) server.on('request', listener);
      for (const listener of hostUpgrades) server.on('upgrade', listener);
    },
  };
}
