/** Why the client gave up on something; carried by {@link LivelineError}. */
export type LivelineErrorCode =
  | 'stopped'
  | 'gave_up'
  | 'connect_failed'
  | 'invalid_message'
  | 'server_error'
  | 'timeout'
  | 'expired'
  | 'dropped'
  | 'coalesced'
  | 'duplicate'
  | 'signed_out';

/** Every error the client surfaces, through state, an error listener or a rejected promise. */
export class LivelineError extends Error {
  override readonly name = 'LivelineError';
  constructor(
    readonly code: LivelineErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
