import { ValidationError, type ServerMessage } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { VALIDATE_OUTBOUND, encodeMessage } from './encodeMessage.js';

describe('encodeMessage', () => {
  it('P1 in tests every outbound message is checked against its route, so drift fails the suite', () => {
    expect(VALIDATE_OUTBOUND).toBe(true);
    const presence: ServerMessage<'board'> = { type: 'presence', data: { count: 0, people: [] } };
    expect(encodeMessage('board', presence)).toBe(JSON.stringify(presence));
    const drifted = {
      type: 'presence',
      data: { count: 'one' },
    } as unknown as ServerMessage<'board'>;
    expect(() => encodeMessage('board', drifted)).toThrow(ValidationError);
  });
});
