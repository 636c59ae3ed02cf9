import type { ServerOptions as HttpServerOptions } from 'node:http';
import { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from '@liveline/protocol';
import { addressKey } from '../auth/addressKey.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { errorBody, rejectUpgrade } from '../http/httpReplies.js';
import type { RefusalGrace } from './createRefusalGrace.js';

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

interface Refusal {
  readonly status: number;
  readonly error: ErrorCode;
  /** What the body says; a parse error names Node's code instead. */
  readonly message?: string;
}

/** How a request Node could not parse or that timed out is answered, by Node's error code. */
const REFUSALS: Readonly<Record<string, Refusal>> = {
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    error: 'unavailable',
    message: 'request not completed in time',
  },
  HPE_HEADER_OVERFLOW: {
    status: 431,
    error: 'invalid_field',
    message: 'request headers too large',
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: { status: 413, error: 'invalid_field' },
};
const MALFORMED: Refusal = { status: 400, error: 'invalid_field' };

/**
 * The `clientError` listener: answers malformed or timed-out requests with the protocol's JSON
 * error body instead of Node's empty `400`/`408`, each waiting for its grace within the bound of
 * the server's refusals (rule L5), counted by the TCP peer: no request names a forwarded client.
 */
export const createClientErrorHandler =
  (log: Logger, refusalGrace: RefusalGrace) =>
  (error: Error & { code?: string }, socket: Duplex): void => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const {
      status,
      error: code,
      message,
    } = (error.code !== undefined && REFUSALS[error.code]) || MALFORMED;
    log.debug('http.client_error', {
      status,
      code: error.code ?? null,
      error: errorMessage(error),
    });
    const peer = (socket instanceof Socket ? socket.remoteAddress : undefined) ?? 'unknown';
    rejectUpgrade(
      socket,
      refusalGrace(socket, addressKey(peer)),
      status,
      errorBody(code, message ?? `malformed HTTP request (${error.code ?? 'parse error'})`),
    );
  };
