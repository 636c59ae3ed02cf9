import { afterEach, describe, expect, it } from 'vitest';
import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { saveRefusals, takeSavedRefusals } from './saveRefusals';

afterEach(() => {
  usePendingOpsStore.setState({ refused: [] });
  sessionStorage.clear();
});

const refusal = (id: string, doubt?: { at: number; what: string }) => ({
  id,
  boardId: 'b',
  text: `${id} was not saved.`,
  doubt,
});

describe('saveRefusals', () => {
  it('the refusals the user has not dismissed are kept in this tab for the page after a reload, with what is needed to ask the server about those in doubt; a dismissed one is not', () => {
    const { settle, dismiss } = usePendingOpsStore.getState();
    settle('op-1', refusal('op-1'));
    settle('op-2', refusal('op-2', { at: 1, what: 'Adding “Kite”' }));
    settle('op-3', refusal('op-3'));
    dismiss('op-3');

    expect(takeSavedRefusals(null)).toEqual([
      refusal('op-1'),
      refusal('op-2', { at: 1, what: 'Adding “Kite”' }),
    ]);
    expect(takeSavedRefusals(null)).toEqual([]);
  });

  it('B1 refusals kept under another token’s subject are still shown, but one in doubt is no longer asked about and says why; under the same subject it still is', () => {
    const alice = { sub: 'u-alice', name: 'Alice' };
    const kept = [refusal('op-1'), refusal('op-2', { at: 1, what: 'Adding “Kite”' })];
    saveRefusals(kept, alice);
    expect(takeSavedRefusals({ sub: 'u-alice', name: 'Alice L.' })).toEqual(kept);

    saveRefusals(kept, alice);
    expect(takeSavedRefusals({ sub: 'u-bob', name: 'Bob' })).toEqual([
      refusal('op-1'),
      {
        id: 'op-2',
        boardId: 'b',
        text: 'Adding “Kite”, made as Alice, may not have been saved: you are now signed in as Bob, so the page cannot ask the server about it.',
      },
    ]);
  });

  it('a kept value that is not a list of refusals (edited by hand) is dropped, not shown', () => {
    sessionStorage.setItem('liveline.board-refusals.v2', '[{"id":"op-1","text":7}]');
    expect(takeSavedRefusals(null)).toEqual([]);
    expect(sessionStorage.length).toBe(0);
  });
});
