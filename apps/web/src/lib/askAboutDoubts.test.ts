import { afterEach, describe, expect, it, vi } from 'vitest';
import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { askAboutDoubts } from './askAboutDoubts';
import { RESEND_WITHIN_MS } from './sendCardOp';

afterEach(() => {
  vi.restoreAllMocks();
  usePendingOpsStore.setState({ refused: [] });
});

/** A change to board `b` that may not have been saved, made at `at`. */
const inDoubt = (id: string, at: number) => ({
  id,
  boardId: 'b',
  text: `Adding “${id}” may not have been saved: the server did not answer in time.`,
  doubt: { at, what: `Adding “${id}”` },
});

describe('askAboutDoubts', () => {
  it('G2 asks about a change only while the server surely keeps its op id: one made RESEND_WITHIN_MS ago or more is not asked, as its op id may be gone and the answer would be "never applied"; each is asked once while its answer is on its way', () => {
    // The network is down: the answers never come, so the questions are what the test reads.
    const fetch = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('offline'));
    const now = Date.now();
    usePendingOpsStore.setState({
      refused: [inDoubt('op-old', now - RESEND_WITHIN_MS), inDoubt('op-young', now - 1)],
    });

    askAboutDoubts('b', now);
    askAboutDoubts('b', now);

    expect(fetch).toHaveBeenCalledTimes(1);
    const [, init] = fetch.mock.calls[0] ?? [];
    expect(JSON.parse(init?.body as string)).toMatchObject({
      type: 'card.delete',
      op_id: 'op-young',
    });
  });
});
