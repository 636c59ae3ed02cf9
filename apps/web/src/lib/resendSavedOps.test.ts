import { describe, expect, it } from 'vitest';
import type { SavedOp } from './saveBoardOps';
import { sortSavedOps } from './resendSavedOps';

const AT = 1_000_000_000;
const alice = { sub: 'u-alice', name: 'Alice' };
const bob = { sub: 'u-bob', name: 'Bob' };
const move = (opId: string): SavedOp => ({
  op: { type: 'card.move', op_id: opId, card_id: 'kite', column_id: 'done', index: 0 },
  at: AT,
  title: 'Kite',
});

describe('sortSavedOps', () => {
  it('B1 changes saved under another token’s subject are not sent, and one alert per board says whose they were and who is signed in now', () => {
    const saved = new Map([
      ['b1', { by: alice, ops: [move('op-1'), move('op-2'), move('op-3')] }],
      ['b2', { by: alice, ops: [move('op-4')] }],
    ]);

    const { send, tell } = sortSavedOps(saved, bob, AT);

    expect(send).toEqual([]);
    expect(tell).toEqual([
      {
        id: 'op-1',
        boardId: 'b1',
        text: '3 changes made as Alice were not sent: you are now signed in as Bob.',
      },
      {
        id: 'op-4',
        boardId: 'b2',
        text: '1 change made as Alice was not sent: you are now signed in as Bob.',
      },
    ]);
  });

  it('B1 the same subject under a new token (another name) sends its changes; so does auth off, and a change made without a token is not sent as someone', () => {
    const ops = [move('op-1')];
    const renamed = { sub: alice.sub, name: 'Alice L.' };

    expect(sortSavedOps(new Map([['b', { by: alice, ops }]]), renamed, AT).send).toEqual([
      { ...move('op-1'), boardId: 'b' },
    ]);
    expect(sortSavedOps(new Map([['b', { by: null, ops }]]), null, AT).send).toHaveLength(1);
    expect(sortSavedOps(new Map([['b', { by: null, ops }]]), bob, AT).tell).toEqual([
      {
        id: 'op-1',
        boardId: 'b',
        text: '1 change made without signing in was not sent: you are now signed in as Bob.',
      },
    ]);
  });
});
