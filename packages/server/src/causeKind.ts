import { StoredDataError, errorMessage } from './errors.js';

/**
 * The kinds of failure `/health` names, by what the engines' error texts say, first match first:
 * Node's and node-redis's codes and phrases, PostgreSQL's and SQLite's.
 */
const KINDS: readonly (readonly [RegExp, string])[] = [
  [/timed? ?out|timeout|ETIMEDOUT/i, 'timeout'],
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
  // Redis's ACL refusing its user a channel, key or command: the user's rights, not its password.
  // The kind's own words match too, so the kind of a kind is itself (the doctor reads either).
  [/NOPERM|user executing the script can't|not permitted/, 'not permitted'],
  [/password|authenticat|WRONGPASS|NOAUTH/i, 'authentication failed'],
  [/ENOSPC|SQLITE_FULL|disk (?:is )?full/i, 'disk full'],
  [/EROFS|SQLITE_READONLY|read-only/i, 'read-only'],
  [/SQLITE_BUSY|\bBUSY\b|database is locked/, 'busy'],
  [/\bLOADING\b/, 'loading'],
  [/\bOOM\b/, 'out of memory'],
  [/ECONNRESET|EPIPE|closed|terminated|lost/i, 'connection lost'],
  [/cannot open|SQLITE_CANTOPEN|EACCES|ENOENT/i, 'cannot open'],
];

/**
 * The kind of failure an engine's error text names (`timeout`, `connection refused`, …, else
 * `error`), without its words, which may name hosts, ports, users and paths (rule S2).
 */
export const causeKind = (text: string): string =>
  KINDS.find(([pattern]) => pattern.test(text))?.[1] ?? 'error';

/**
 * What a client is told of `error` (rule S3), on every route and whatever the caller's grants: the
 * kind of an engine's failure, whose words go to the log and to operators' `/health` only.
 */
export const errorKind = (error: unknown): string =>
  error instanceof StoredDataError ? error.message : causeKind(errorMessage(error));
