import { describe, expect, it } from 'vitest';
import { causeKind } from './causeKind.js';

describe('causeKind', () => {
  it.each([
    ['redis: Command timed out after 2000ms', 'timeout'],
    ['redis: connect ECONNREFUSED 10.0.0.5:6379', 'connection refused'],
    ['redis: getaddrinfo ENOTFOUND redis.internal', 'host not found'],
    [
      'redis: WRONGPASS invalid username-password pair or user is disabled.',
      'authentication failed',
    ],
    [
      'redis: NOPERM this user has no permissions to access one of the channels used as arguments',
      'not permitted',
    ],
    [
      "redis: ERR The user executing the script can't publish to the channel mentioned in the command script: 7358effc, on @user_script:1.",
      'not permitted',
    ],
    ['redis: Socket closed unexpectedly', 'connection lost'],
    [
      'appendEvent failed: password authentication failed for user "liveline"',
      'authentication failed',
    ],
    ['appendEvent failed: Connection terminated unexpectedly', 'connection lost'],
    ['write failed: SQLITE_FULL: database or disk is full', 'disk full'],
    ['redis: LOADING Redis is loading the dataset in memory', 'loading'],
    ['redis: BUSY Redis is busy running a script.', 'busy'],
    ["redis: OOM command not allowed when used memory > 'maxmemory'.", 'out of memory'],
    [
      'cannot open database in /srv/data: SQLITE_CANTOPEN: unable to open database file',
      'cannot open',
    ],
    ['readHead failed: relation "events" does not exist', 'error'],
  ])('S2 %s is of the kind %s', (text, kind) => {
    expect(causeKind(text)).toBe(kind);
  });
});
