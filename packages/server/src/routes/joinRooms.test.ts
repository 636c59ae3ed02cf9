import { readFileSync } from 'node:fs';
import { restartReason } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  BROKER_UNAVAILABLE_REASON,
  JOIN_BEHIND_REASON,
  ROOM_DELETED_REASON,
  ROOM_MISSING_REASON,
  ROOM_RESTARTED_REASON,
} from './joinRooms.js';
import { STORAGE_UNAVAILABLE_REASON } from './outageFailure.js';

/** PROTOCOL.md with every run of white space one space, so a reason wrapped across lines is found. */
const protocolText = readFileSync(
  new URL('../../../protocol/PROTOCOL.md', import.meta.url),
  'utf8',
).replace(/\s+/g, ' ');

describe('close reasons', () => {
  it.each([
    ['S2', BROKER_UNAVAILABLE_REASON],
    ['S3', STORAGE_UNAVAILABLE_REASON],
    ['R8', JOIN_BEHIND_REASON],
    ['R8', ROOM_MISSING_REASON],
    ['G3', ROOM_DELETED_REASON],
    ['G3', ROOM_RESTARTED_REASON],
    ['K4', restartReason(5000)],
  ])(
    '%s PROTOCOL.md gives the close reason the server sends (its constant) word for word: %s',
    (_, reason) => {
      expect(protocolText).toContain(`\`${reason}\``);
    },
  );
});
