import { describe, expect, it } from 'vitest';
import { encodeServerMessage } from './encodeServerMessage.js';
import { ValidationError } from './schema.js';

describe('encodeServerMessage', () => {
  it('P1 serializes a message of its route, and refuses one the route does not carry when validating', () => {
    const ack = { type: 'ack', data: { op_id: 'o1', seq: 3, duplicate: false } } as const;
    expect(encodeServerMessage('board', ack, true)).toBe(JSON.stringify(ack));
    const heartbeat = { type: 'heartbeat', data: { server_time: 1 } } as const;
    expect(encodeServerMessage('clock', heartbeat, true)).toBe(JSON.stringify(heartbeat));
    const greeting = {
      event: 'connected',
      data: {
        client_id: 'client_1',
        message: 'hello',
        board_id: null,
        server_time: '2025-08-10T23:42:10.702162',
      },
    } as const;
    expect(encodeServerMessage('board', greeting, true)).toBe(JSON.stringify(greeting));
    // @ts-expect-error an agent socket carries no board greeting: a compile error, and a throw at run time
    const wrong = () => encodeServerMessage('agent', greeting, true);
    expect(wrong).toThrow(ValidationError);
    expect(wrong).toThrow(/the agent route does not carry/);
  });

  it('P1 without validation it only serializes (production builds)', () => {
    const bad = { type: 'progress?' } as never;
    expect(encodeServerMessage('workflow', bad)).toBe('{"type":"progress?"}');
  });
});
