import { BOARD_BYTES_MAX, ERROR_CODES, type ErrorCode, type ErrorData } from '@liveline/protocol';
import { LivelineError, type LivelineErrorCode } from '@liveline/ws-client';

/** A change that was not applied, told to the user until dismissed. */
export interface Refusal {
  /** A key, never shown (the op's `op_id`). */
  readonly id: string;
  /** A sentence saying what was not applied and why, from {@link refusalReason}. */
  readonly text: string;
}

/** The protocol's field names as a user knows the things they name. */
const FIELDS: Readonly<Record<string, string>> = {
  card_id: 'the card',
  column_id: 'the column',
  title: 'the title',
  description: 'the description',
  assignee: 'the assignee',
  time_seconds: 'the position',
  bpm: 'the tempo',
  start_seconds: 'the loop start',
  end_seconds: 'the loop end',
};
const FIELD_NAMES = new RegExp(`\\b(${Object.keys(FIELDS).join('|')})\\b`, 'g');

/** The server's reasons that do not depend on the field or the message. */
const BY_SERVER: Readonly<
  Record<Exclude<ErrorCode, 'not_found' | 'conflict' | 'invalid_field' | 'limit_exceeded'>, string>
> = {
  bad_json: 'the server does not understand this change',
  unknown_type: 'the server does not understand this change',
  not_supported: 'the server does not support this change',
  rate_limited: 'too many changes at once; try again in a moment',
  unavailable: 'the server cannot save changes right now',
  internal: 'the server failed to apply it',
  unauthorized: 'you are signed out',
  forbidden: 'your sign-in does not allow this change',
};

/** What one of B4's count caps allows deleting to make room. */
const ONE_OF = { cards: 'a card', columns: 'a column' } as const;

/**
 * Which cap a `limit_exceeded` names (PROTOCOL.md B4, B5). A board's own caps name no field; their
 * message says which: a count (`already has 2000 cards`), else the board's bytes (`is full`).
 */
function limitReason(field: ErrorData['field'], message: string): string {
  // The server's cap on boards (B5), not this board's: no delete here makes room.
  if (field === 'board_id') return 'the server cannot hold more boards; use an existing board';
  const [, max, things] = /already has (\d+) (cards|columns)\b/.exec(message) ?? [];
  if (things === 'cards' || things === 'columns')
    return `the board already has ${max} ${things}, the most it holds; delete ${ONE_OF[things]} to make room`;
  return `the board is full: it holds at most ${BOARD_BYTES_MAX / 1024} KiB of text; delete or shorten some cards to make room`;
}

/**
 * The codes besides `server_error` that `channel.request` rejects with (ws-client's outbox and
 * request timer): `expired` never left the outbox, `timeout` was sent and never answered. A
 * connection that stops (`stopped`, `signed_out`) or gives up settles no request: one already
 * written then times out, as it may have been applied (createChannel.test.ts proves it).
 */
type GivenUp = Extract<LivelineErrorCode, 'timeout' | 'expired' | 'dropped' | 'coalesced'>;

/** Why the client gave up on it. */
const BY_CLIENT: Readonly<Record<GivenUp, string>> = {
  timeout: 'the server did not answer in time',
  expired: 'it could not be sent in time',
  dropped: 'too many changes were waiting to send',
  coalesced: 'a newer change of the same kind replaced it',
};

const isGivenUp = (code: LivelineErrorCode): code is GivenUp => code in BY_CLIENT;

/**
 * A written operation a full outbox let go of is a `timeout` too (it may have been applied), but
 * the server was not late: ws-client's message tells the two apart, so the client pays no byte.
 */
const OUTBOX_FULL = 'outbox full';

/** A production build checks only the envelope (E3), so the error's `data` is checked here. */
const isErrorData = (cause: unknown): cause is ErrorData =>
  typeof cause === 'object' &&
  cause !== null &&
  (ERROR_CODES as readonly unknown[]).includes((cause as { code?: unknown }).code) &&
  typeof (cause as { message?: unknown }).message === 'string';

/** The server's refusal in a user's words: the things it names, never an id (an op's or a card's). */
function serverReason({ code, field, message }: ErrorData): string {
  const thing = FIELDS[field ?? ''] ?? 'what it changes';
  if (code === 'not_found') return `${thing} no longer exists`;
  if (code === 'conflict') return `${thing} already exists`;
  // The message says what is wrong with the value (E1); only its field names are not a user's.
  if (code === 'invalid_field') return message.replace(FIELD_NAMES, (name) => FIELDS[name] ?? name);
  if (code === 'limit_exceeded') return limitReason(field, message);
  return BY_SERVER[code];
}

/** Why a change was not applied, from a rejected `channel.request`, as a user can read it. */
export function refusalReason(error: unknown): string {
  if (!(error instanceof LivelineError)) return 'it could not be sent';
  if (error.code === 'timeout' && error.message === OUTBOX_FULL)
    return 'too many changes were waiting while offline, so the page stopped waiting for its answer';
  if (error.code !== 'server_error')
    return isGivenUp(error.code) ? BY_CLIENT[error.code] : 'it could not be sent';
  return isErrorData(error.cause) ? serverReason(error.cause) : 'the server refused it';
}

/**
 * Whether the server may have applied it all the same: it was sent and its answer never came, or
 * it was never sent here but `sentBefore` (by the page before a reload) and then expired unsent.
 */
export const mayHaveApplied = (error: unknown, sentBefore = false): boolean =>
  error instanceof LivelineError &&
  (error.code === 'timeout' || (sentBefore && error.code === 'expired'));

/**
 * What of `what` was not `done` and why, in a user's words: `Adding “Kite” was not saved: the
 * column no longer exists.`, or `… may not have been saved: …` when {@link mayHaveApplied}.
 */
export const refusalText = (
  what: string,
  done: 'saved' | 'applied',
  error: unknown,
  sentBefore = false,
): string =>
  `${what} ${mayHaveApplied(error, sentBefore) ? 'may not have been' : 'was not'} ${done}: ${refusalReason(error)}.`;
