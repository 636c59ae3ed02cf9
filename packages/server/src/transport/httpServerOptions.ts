import type { ServerOptions as HttpServerOptions } from 'node:http';
import type { Duplex } from 'node:stream';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { errorBody, rejectUpgrade } from './httpReplies.js';

/** Timeouts of the HTTP server, in ms. */
export interface HttpTimeouts {
  /** Time to send complete request headers; an upgrade is a request too. */
  readonly handshakeTimeoutMs: number;
  /** Time to send a whole request, body included. */
  readonly requestTimeoutMs: number;
}

/**
 * `node:http` options that stop half-finished requests and handshakes from holding a socket forever
 * (slowloris): Node answers `408` once `headersTimeout`/`requestTimeout` pass, checked every
 * `connectionsCheckingInterval`.
 */
export const httpServerOptions = (timeouts: HttpTimeouts): HttpServerOptions => ({
  headersTimeout: timeouts.handshakeTimeoutMs,
  requestTimeout: timeouts.requestTimeoutMs,
  // Node's 30 s default would let a timed-out socket live up to 30 s longer.
  connectionsCheckingInterval: Math.max(25, Math.min(1_000, timeouts.handshakeTimeoutMs / 4)),
});

/** Status for a request Node could not parse or that timed out. */
const statusOf = (code: string | undefined): number =>
  code === 'ERR_HTTP_REQUEST_TIMEOUT'
    ? 408
    : code === 'HPE_HEADER_OVERFLOW'
      ? 431
      : code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
        ? 413
        : 400;

/**
 * The `clientError` listener: answers malformed or timed-out requests with the protocol's JSON
 * error body instead of Node's empty `400`/`408`.
 */
export const createClientErrorHandler =
  (log: Logger) =>
  (error: Error & { code?: string }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = statusOf(error.code);
    log.debug('http.client_error', {
      status,
      code: error.code ?? null,
      error: errorMessage(error),
    });
    const message =
      status === 408
        ? 'request not completed in time'
        : status === 431
          ? 'request headers too large'
          : `malformed HTTP request (${error.code ?? 'parse error'})`;
    rejectUpgrade(
      socket,
      status,
      errorBody(status === 408 ? 'unavailable' : 'invalid_field', message),
    );
  };
