import type { Health } from '@liveline/protocol';

/**
 * The kinds of failure `/health` names, by what the engines' error texts say, first match first:
 * Node's and node-redis's codes and phrases, PostgreSQL's and SQLite's.
 */
const KINDS: readonly (readonly [RegExp, string])[] = [
  [/timed? ?out|timeout|ETIMEDOUT/i, 'timeout'],
  [/ECONNREFUSED/, 'connection refused'],
  [/ENOTFOUND|EAI_AGAIN/, 'host not found'],
  [/password|authenticat|WRONGPASS|NOAUTH|NOPERM/i, 'authentication failed'],
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

/** `health` with its `database_error` and `broker_error` cut down to their kinds (rule S2). */
export const withCauseKinds = (health: Health): Health => ({
  ...health,
  database_error: health.database_error === null ? null : causeKind(health.database_error),
  // Redis is the only broker that fails; its name is no secret.
  ...(health.broker_error && { broker_error: `redis: ${causeKind(health.broker_error)}` }),
});
