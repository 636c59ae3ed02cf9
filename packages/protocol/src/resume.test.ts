import { describe, expect, it } from 'vitest';
import { checkSeq, decideResume, isOrderedEvent } from './resume.js';

const window = { epoch: 'e1', headSeq: 10, oldestSeq: 5 };

describe('resume rules', () => {
  it('R3 a client without a position gets a fresh snapshot', () => {
    expect(decideResume(window, null)).toEqual({ kind: 'fresh' });
  });

  it('R4 replays everything after the client position when history covers it', () => {
    expect(decideResume(window, { epoch: 'e1', seq: 4 })).toEqual({ kind: 'replay', afterSeq: 4 });
    expect(decideResume(window, { epoch: 'e1', seq: 10 })).toEqual({
      kind: 'replay',
      afterSeq: 10,
    });
  });

  it('R4 resumes a client that saw no event and one idle while history aged out', () => {
    expect(
      decideResume({ epoch: 'e1', headSeq: 0, oldestSeq: 1 }, { epoch: 'e1', seq: 0 }),
    ).toEqual({
      kind: 'replay',
      afterSeq: 0,
    });
    expect(
      decideResume({ epoch: 'e1', headSeq: 7, oldestSeq: 8 }, { epoch: 'e1', seq: 7 }),
    ).toEqual({
      kind: 'replay',
      afterSeq: 7,
    });
  });

  it('R5 reports a changed epoch as lost', () => {
    expect(decideResume(window, { epoch: 'e0', seq: 10 })).toEqual({
      kind: 'lost',
      reason: 'epoch_changed',
    });
  });

  it('R6 reports a position older than the history as lost, never a partial replay', () => {
    expect(decideResume(window, { epoch: 'e1', seq: 3 })).toEqual({
      kind: 'lost',
      reason: 'history_truncated',
    });
  });

  it('R7 reports a position from the future as lost', () => {
    expect(decideResume(window, { epoch: 'e1', seq: 11 })).toEqual({
      kind: 'lost',
      reason: 'seq_ahead',
    });
  });

  it('R9 applies the next seq, drops duplicates and flags gaps', () => {
    expect(checkSeq(4, 5)).toBe('apply');
    expect(checkSeq(4, 4)).toBe('duplicate');
    expect(checkSeq(4, 2)).toBe('duplicate');
    expect(checkSeq(4, 6)).toBe('gap');
  });

  it('R2 every ordered message but snapshot and resumed is an event, known to this version or not', () => {
    const position = { seq: 3, epoch: 'e1' };
    expect(isOrderedEvent({ type: 'card.created', ...position, data: {} })).toBe(true);
    expect(isOrderedEvent({ type: 'card.archived_in_v2', ...position, data: {} })).toBe(true);
    expect(isOrderedEvent({ type: 'snapshot', ...position, data: {} })).toBe(false);
    expect(isOrderedEvent({ type: 'resumed', ...position, data: { replayed: 0 } })).toBe(false);
    expect(isOrderedEvent({ type: 'presence', data: { count: 0, people: [] } })).toBe(false);
  });
});
