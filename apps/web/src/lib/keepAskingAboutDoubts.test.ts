import { afterEach, describe, expect, it, vi } from 'vitest';
import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { withRealServer } from '../withRealServer';
import { ASK_AGAIN_TIMES, keepAskingAboutDoubts } from './keepAskingAboutDoubts';
import { RESEND_WITHIN_MS } from './sendCardOp';

withRealServer();

afterEach(() => {
  vi.restoreAllMocks();
  usePendingOpsStore.setState({ refused: [] });
});

/** A change to board `b` that may not have been saved, made just now, that the server never got. */
const inDoubt = (id: string) => ({
  id,
  boardId: 'b',
  text: `Adding “${id}” may not have been saved: the server did not answer in time.`,
  doubt: { at: Date.now(), what: `Adding “${id}”` },
});

/** Makes the first `lost` questions fail as the network loses them (an injected failure). */
function loseQuestions(lost: number) {
  const real = globalThis.fetch;
  let asked = 0;
  return vi
    .spyOn(globalThis, 'fetch')
    .mockImplementation((input, init) =>
      (asked += 1) <= lost ? Promise.reject(new TypeError('Failed to fetch')) : real(input, init),
    );
}

/** A clock that passes each wait at once, keeping what was waited; a tenth wait is an endless loop. */
const instantWaits = () => {
  const waited: number[] = [];
  const wait = (ms: number) => {
    waited.push(ms);
    return waited.length < 10 ? Promise.resolve() : Promise.reject(new Error('asks without end'));
  };
  return { waited, wait };
};

const texts = () => usePendingOpsStore.getState().refused.map((r) => r.text);

describe('keepAskingAboutDoubts', () => {
  it('B2 a question the network lost while the board’s socket stays open is asked again after a wait, and its answer taken in', async () => {
    const fetch = loseQuestions(1);
    const { waited, wait } = instantWaits();
    usePendingOpsStore.setState({ refused: [inDoubt('op-lost')] });

    await keepAskingAboutDoubts('b', new AbortController().signal, wait, () => 1);

    expect(fetch).toHaveBeenCalledTimes(2);
    expect(waited).toEqual([20_000]);
    expect(texts()).toEqual(['Adding “op-lost” was not saved: the server never applied it.']);
  });

  it('G2 a question the server never answers is asked again at most ASK_AGAIN_TIMES times, with growing waits that end well inside the 9 minutes a change is asked about', async () => {
    const fetch = loseQuestions(Infinity);
    const { waited, wait } = instantWaits();
    usePendingOpsStore.setState({ refused: [inDoubt('op-unreachable')] });

    await keepAskingAboutDoubts('b', new AbortController().signal, wait, () => 1);

    expect(fetch).toHaveBeenCalledTimes(1 + ASK_AGAIN_TIMES);
    expect(waited).toEqual([20_000, 40_000, 80_000, 160_000]);
    expect(waited.reduce((sum, ms) => sum + ms)).toBeLessThan(RESEND_WITHIN_MS);
    expect(texts()).toEqual([inDoubt('op-unreachable').text]);
  });

  it('B2 once the board’s socket left open (the signal aborts) during a wait, nothing more is asked until the page asks anew', async () => {
    const fetch = loseQuestions(Infinity);
    const left = new AbortController();
    usePendingOpsStore.setState({ refused: [inDoubt('op-closed')] });

    const leaveDuringWait = () => {
      left.abort();
      return Promise.resolve();
    };

    await keepAskingAboutDoubts('b', left.signal, leaveDuringWait, () => 1);

    expect(fetch).toHaveBeenCalledTimes(1);
  });
});
