import { describe, expect, it } from 'vitest';
import { parseEnvelope } from './envelope.js';

const rejects = (input: unknown, field: string) => {
  const result = parseEnvelope(input);
  expect(result).toMatchObject({ ok: false, error: { code: 'invalid_field', field } });
};

describe('envelope', () => {
  it('E3 returns a valid message itself, every key kept', () => {
    const event = { type: 'card.deleted', seq: 3, epoch: 'e1', data: { card_id: 'c' }, extra: 1 };
    const result = parseEnvelope(event);
    expect(result).toEqual({ ok: true, value: event });
    expect(result.ok && result.value).toBe(event);
  });

  it('E3 accepts the seed formats: the flat clock tick and the board greeting', () => {
    expect(parseEnvelope({ playing: true, time_seconds: 1 }).ok).toBe(true);
    expect(parseEnvelope({ event: 'connected', data: { board_id: null } }).ok).toBe(true);
  });

  it('E3 rejects anything but a plain object', () => {
    for (const input of [null, [], 'text', 3, true]) rejects(input, '');
  });

  it('E3 names a type or data of the wrong kind', () => {
    rejects({ type: 3 }, 'type');
    rejects({ type: null }, 'type');
    rejects({ type: 'state', data: [] }, 'data');
    rejects({ type: 'state', data: 'x' }, 'data');
    rejects({ type: 'state', data: null }, 'data');
  });

  it('E3 requires seq and epoch together, as a valid position (R1)', () => {
    rejects({ type: 'card.deleted', seq: '3', epoch: 'e1', data: {} }, 'seq');
    rejects({ type: 'card.deleted', seq: -1, epoch: 'e1', data: {} }, 'seq');
    rejects({ type: 'card.deleted', seq: 1.5, epoch: 'e1', data: {} }, 'seq');
    rejects({ type: 'card.deleted', seq: 3, epoch: '', data: {} }, 'epoch');
    rejects({ type: 'card.deleted', seq: 3, data: {} }, 'epoch');
    rejects({ type: 'card.deleted', epoch: 'e1', data: {} }, 'seq');
  });
});
