/**
 * Every close code a Liveline server sends (and the ones a client observes), with the one
 * decision a client makes on each: retry, refresh then retry, or stop (rules K1–K3).
 */
export const CloseCode = {
  Normal: 1000,
  GoingAway: 1001,
  NoStatus: 1005,
  Abnormal: 1006,
  PolicyViolation: 1008,
  MessageTooBig: 1009,
  InternalError: 1011,
  ServiceRestart: 1012,
  TryAgainLater: 1013,
  BadMessage: 4400,
  Unauthorized: 4401,
  Forbidden: 4403,
  NotFound: 4404,
  UnsupportedVersion: 4406,
  HeartbeatTimeout: 4408,
  ResumeConflict: 4409,
  TooManyRequests: 4429,
} as const;
/** A known close code. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * What a client does after a close:
 * - `retry`: reconnect with backoff and resume from its last seq/epoch;
 * - `refresh`: drop what the close invalidated (credentials, resume position), then reconnect;
 * - `stop`: stay closed and show the reason until the user asks to reconnect.
 */
export type CloseAction = 'retry' | 'refresh' | 'stop';

/** The policy for one close code. */
export interface ClosePolicy {
  /** The client's decision. */
  readonly action: CloseAction;
  /** What the code means, for logs and UIs. */
  readonly meaning: string;
  /** Who sends it: the server, or the client's own WebSocket implementation. */
  readonly sentBy: 'server' | 'client' | 'both';
}

/** The one table of close codes (rule K1). */
export const CLOSE_POLICY: Readonly<Record<CloseCode, ClosePolicy>> = {
  1000: { action: 'stop', meaning: 'closed normally', sentBy: 'both' },
  1001: { action: 'retry', meaning: 'server going away', sentBy: 'both' },
  1005: { action: 'retry', meaning: 'closed without a status code', sentBy: 'client' },
  1006: { action: 'retry', meaning: 'connection lost', sentBy: 'client' },
  1008: { action: 'stop', meaning: 'policy violation', sentBy: 'server' },
  1009: { action: 'stop', meaning: 'message too big', sentBy: 'server' },
  1011: { action: 'retry', meaning: 'server error', sentBy: 'server' },
  1012: { action: 'retry', meaning: 'server restarting', sentBy: 'server' },
  1013: {
    action: 'retry',
    meaning: 'try again later (overloaded or slow consumer)',
    sentBy: 'server',
  },
  4400: { action: 'stop', meaning: 'repeated bad messages', sentBy: 'server' },
  4401: { action: 'refresh', meaning: 'unauthorized: refresh credentials', sentBy: 'server' },
  4403: { action: 'stop', meaning: 'forbidden', sentBy: 'server' },
  4404: { action: 'stop', meaning: 'not found', sentBy: 'server' },
  4406: {
    action: 'stop',
    meaning: 'unsupported protocol version: reload the app',
    sentBy: 'server',
  },
  4408: { action: 'retry', meaning: 'heartbeat timeout', sentBy: 'client' },
  4409: {
    action: 'refresh',
    meaning: 'resume state invalid: reconnect without it',
    sentBy: 'both',
  },
  4429: { action: 'retry', meaning: 'too many requests', sentBy: 'server' },
};

const isKnown = (code: number): code is CloseCode => Object.hasOwn(CLOSE_POLICY, code);

/**
 * The policy for any code (rule K2): known codes from the table; unknown application codes
 * (4000–4999) stop, since the client cannot know they are transient; anything else retries.
 */
export function closePolicy(code: number): ClosePolicy {
  if (isKnown(code)) return CLOSE_POLICY[code];
  if (code >= 4000 && code <= 4999)
    return { action: 'stop', meaning: `application close code ${code}`, sentBy: 'server' };
  return { action: 'retry', meaning: `close code ${code}`, sentBy: 'both' };
}

/** The largest close reason a WebSocket frame can carry, in UTF-8 bytes. */
export const MAX_CLOSE_REASON_BYTES = 123;

const utf8Length = (codePoint: number): number =>
  codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;

/** Shortens a close reason to fit a close frame without splitting a character (rule K3). */
export function closeReason(reason: string): string {
  let bytes = 0;
  let out = '';
  for (const char of reason) {
    bytes += utf8Length(char.codePointAt(0) ?? 0);
    if (bytes > MAX_CLOSE_REASON_BYTES) break;
    out += char;
  }
  return out;
}
