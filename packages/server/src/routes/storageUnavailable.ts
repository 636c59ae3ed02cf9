import type { HttpFailure } from '../transport/RouteHandlers.js';
import { errorMessage } from '../errors.js';

/** Rule S3: what a request gets when storage cannot read what it needs: `503 unavailable`. */
export const storageUnavailable = (error: unknown): HttpFailure => ({
  status: 503,
  error: {
    code: 'unavailable',
    message: `storage unavailable: ${errorMessage(error)}`,
    field: null,
  },
});

/** Rule S3: the reason a socket is closed with 1013 (try again later) when its room cannot open. */
export const STORAGE_UNAVAILABLE_REASON = 'storage unavailable; try again later';
