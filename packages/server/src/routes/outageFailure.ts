import type { HttpFailure } from '../transport/RouteHandlers.js';
import { errorKind } from '../causeKind.js';
import { BrokerError, StorageError } from '../errors.js';

/**
 * Rule S3: what a request gets when storage cannot read what it needs: `503 unavailable`; so does
 * one whose room the broker cannot be seeded with (S2). Any other failure is a fault of this
 * server, not an outage: it is thrown on, so the HTTP handler answers `500 internal` and logs it
 * (`http.failed`) without telling the client its message.
 */
export const outageFailure = (error: unknown): HttpFailure => {
  const outage =
    error instanceof StorageError
      ? 'storage'
      : error instanceof BrokerError
        ? 'message broker'
        : null;
  if (!outage) throw error;
  return {
    status: 503,
    error: {
      code: 'unavailable',
      message: `${outage} unavailable: ${errorKind(error)}`,
      field: null,
    },
  };
};

/** Rule S3: the reason a socket is closed with 1013 (try again later) when its room cannot open. */
export const STORAGE_UNAVAILABLE_REASON = 'storage unavailable; try again later';
