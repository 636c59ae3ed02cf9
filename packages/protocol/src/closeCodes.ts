/**
 * Every close code a Liveline server sends (and the ones a client observes), with the one
 * decision a client makes on each: retry, refresh then retry, or stop (rules K1–K4). `ws`'s own
 * 1002 and 1007 for broken frames are left to K2's fallback (retry), which costs the client no bytes.
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
  SequenceGap: 4410,
  TooManyRequests: 4429,
} as const;
/** A known close code. */
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/**
 * What a client does after a close:
 * - `retry`: reconnect with backoff and resume from its last seq/epoch;
 * - `refresh`: drop the resume position the close invalidated, then reconnect;
 * - `stop`: stay closed and show the reason until the user asks to reconnect.
 */
export type CloseAction = 'retry' | 'refresh' | 'stop';

/** The policy for one close code. */
export interface ClosePolicy {
  /** The client's decision. */
  readonly action: CloseAction;
  /** What the code means, for logs and UIs. */
  readonly meaning: string;
  /**
   * The server announced it is coming straight back (rule K4): retries follow one random phase
   * on the period the reason names (`restartSpreadMs`) for a while instead of growing.
   */
  readonly restarting?: true;
}

const retry = (meaning: string): ClosePolicy => ({ action: 'retry', meaning });
const refresh = (meaning: string): ClosePolicy => ({ action: 'refresh', meaning });
const stop = (meaning: string): ClosePolicy => ({ action: 'stop', meaning });

/** The one table of close codes (rule K1); PROTOCOL.md also notes the codes only a client sees. */
export const CLOSE_POLICY: Readonly<Record<CloseCode, ClosePolicy>> = {
  1000: stop('closed normally'),
  1001: retry('server going away'),
  1005: retry('closed without a status code'),
  1006: retry('connection lost'),
  1008: stop('policy violation'),
  1009: stop('message too big'),
  1011: retry('server error'),
  1012: { ...retry('server restarting'), restarting: true },
  1013: retry('try again later (overloaded or slow consumer)'),
  4400: stop('repeated bad messages'),
  // The token, not the stream, is what expired: a new one resumes from the same position (A10).
  4401: retry('unauthorized: get a new token, then resume'),
  4403: stop('forbidden'),
  4404: stop('not found'),
  4406: stop('unsupported protocol version: reload the app'),
  4408: retry('heartbeat timeout'),
  4409: refresh('resume state invalid: reconnect without it'),
  4410: retry('sequence gap'),
  4429: retry('too many requests'),
};

/**
 * The policy for any code (rule K2): known codes from the table; unknown application codes
 * (4000–4999) stop, since the client cannot know they are transient; anything else retries.
 */
export function closePolicy(code: number): ClosePolicy {
  if (Object.hasOwn(CLOSE_POLICY, code)) return CLOSE_POLICY[code as CloseCode];
  return code >= 4000 && code <= 4999
    ? stop(`application close code ${code}`)
    : retry(`close code ${code}`);
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
