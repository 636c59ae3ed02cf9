import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LivelineServerError } from '../errors.js';

/**
 * Connections the kernel may hold for the server to accept (capped by `net.core.somaxconn`). In a
 * connect or reconnect storm thousands of clients arrive faster than one event loop accepts; with
 * Node's default of 511 the queue overflows, the kernel drops SYNs, and each of those clients'
 * TCP stacks retries only a second or more later.
 */
const LISTEN_BACKLOG = 4096;

/** Listens on `host:port` (0 picks a free port) and resolves with the port. */
export const listenOn = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    const onError = (cause: Error): void =>
      reject(
        new LivelineServerError('listen', `cannot listen on ${host}:${port}: ${cause.message}`, {
          cause,
        }),
      );
    server.once('error', onError);
    server.listen({ port, host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
