import type { LogFields, Logger } from '../log/createLogger.js';

/**
 * One socket's bad input as the log sees it (docs/operations.md, "Bad input"): a hostile client may
 * send bad messages for as long as E2 tolerates them, so only the first gets a line of its own and
 * the rest are counted in one line when the socket closes.
 */
export interface BadMessageLog {
  /** Records a bad message by its error code and the field at fault. */
  record(code: string, field: string | null): void;
  /**
   * Records a socket's protocol error (a broken frame: 1002, 1007, 1009); ws closes the socket
   * itself. Every accepted socket needs it as its `error` listener: an `error` event with none
   * throws and ends the process.
   */
  readonly brokenFrame: (error: Error & { code?: string }) => void;
  /** Logs how many were recorded, if more than one; called once, when the socket has closed. */
  closed(closeCode: number): void;
}

/** Creates a {@link BadMessageLog} whose lines carry `fields` (route, connection, address). */
export function createBadMessageLog(log: Logger, fields: LogFields): BadMessageLog {
  let count = 0;
  const record = (code: string, field: string | null): void => {
    count += 1;
    // Never the message itself: it may carry anything, a token included (rule A7).
    if (count === 1) log.warn('ws.bad_message', { ...fields, code, field });
  };
  return {
    record,
    brokenFrame: (error) => record(error.code ?? 'protocol_error', null),
    closed(closeCode) {
      if (count > 1) log.warn('ws.bad_messages', { ...fields, count, close_code: closeCode });
    },
  };
}
