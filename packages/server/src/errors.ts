/** What went wrong, for logs, HTTP bodies and tests. */
export type ServerErrorCode =
  | 'invalid_option'
  | 'storage'
  | 'broker'
  | 'missing_handler'
  | 'listen'
  | 'lifecycle'
  | 'join_behind'
  | 'room_missing'
  | 'room_not_open';

/** Every error the server raises on purpose: a `code` to branch on and the `cause` it wraps. */
export class LivelineServerError extends Error {
  override readonly name: string = 'LivelineServerError';
  constructor(
    readonly code: ServerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A start option or CLI flag with a bad value; `field` names it, `reason` says what is wrong. */
export class ConfigError extends LivelineServerError {
  override readonly name = 'ConfigError';
  constructor(
    readonly field: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super('invalid_option', `${field}: ${reason}`, options);
  }
}

/** The database could not be opened, read or written. */
export class StorageError extends LivelineServerError {
  override readonly name: string = 'StorageError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('storage', message, options);
  }
}

/**
 * Storage answered, but what it holds cannot be served: a board's events are missing (rule B6), or
 * a room kept moving while it was read. Its message is the server's own and names only ids, so a
 * client is told it, unlike an engine's words (rule S3).
 */
export class StoredDataError extends StorageError {
  override readonly name = 'StoredDataError';
}

/**
 * A join's state of its room lags the room's history and could not catch up (rule R8): the
 * socket is closed with `1013`, and the client joins again.
 */
export class JoinBehindError extends LivelineServerError {
  override readonly name = 'JoinBehindError';
  constructor(message: string) {
    super('join_behind', message);
  }
}

/**
 * A join found no copy of its room after opening it: retention dropped it meanwhile (rule G5), or
 * the broker lost it (a FLUSHALL). The socket is closed: `4409` for a deleted run, else `1013`.
 */
export class RoomMissingError extends LivelineServerError {
  override readonly name = 'RoomMissingError';
  constructor(message: string) {
    super('room_missing', message);
  }
}

/**
 * A room's position was read while this node holds none: the room was never opened, or was let go
 * of (idle) or forgotten (retention deleted its run, rule G3) meanwhile. A join that meets it on a
 * deleted run's id is closed as the run's watchers are, with `4409` (G5).
 */
export class RoomNotOpenError extends LivelineServerError {
  override readonly name = 'RoomNotOpenError';
  constructor(message: string) {
    super('room_not_open', message);
  }
}

/** The broker (Redis) could not be reached or answered something unexpected. */
export class BrokerError extends LivelineServerError {
  override readonly name = 'BrokerError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('broker', message, options);
  }
}

/**
 * An error whose message may go to clients, and whose `detail` only to the server's log: paths on
 * the server, a tool's own output.
 */
export class DetailedError extends Error {
  constructor(
    message: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The `detail` of the first {@link DetailedError} in an error's cause chain, for logs. */
export function errorDetail(error: unknown): string | undefined {
  for (let at = error; at instanceof Error; at = at.cause)
    if (at instanceof DetailedError) return at.detail;
  return undefined;
}

/** The message of any thrown value, for logs. */
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
