import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '@liveline/ws-client';
import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { WAIT } from '../pages/boardPageHarness';
import { withRealServer } from '../withRealServer';
import { askAboutDoubts } from './askAboutDoubts';
import { RESEND_WITHIN_MS } from './sendCardOp';
import { watchLateAck } from './watchLateAck';

const server = withRealServer();

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

const texts = () => usePendingOpsStore.getState().refused.map((r) => r.text);

describe('askAboutDoubts', () => {
  it('G2 asks about a change only while the server surely keeps its op id: one made RESEND_WITHIN_MS ago or more is not asked, as its op id may be gone and the answer would be "never applied"; each is asked once while its answer is on its way', () => {
    // The network is down: the answers never come, so the questions are what the test reads.
    const fetch = vi.spyOn(globalThis, 'fetch').mockRejectedValue(new TypeError('offline'));
    const now = Date.now();
    usePendingOpsStore.setState({
      refused: [inDoubt('op-old', now - RESEND_WITHIN_MS), inDoubt('op-young', now - 1)],
    });

    void askAboutDoubts('b', now);
    void askAboutDoubts('b', now);

    expect(fetch).toHaveBeenCalledTimes(1);
    const [, init] = fetch.mock.calls[0] ?? [];
    expect(JSON.parse(init?.body as string)).toMatchObject({
      type: 'card.delete',
      op_id: 'op-young',
    });
  });

  it('B2 a change given up on while its board’s socket was open stays in doubt when the server asked has not applied it: it may still read it from that socket; once that socket closed and a later one opened, "never applied" is final', async () => {
    const client = createClient({ origin: server().origin });
    const channel = client.channel('board', { query: { board_id: 'b' } });
    channel.subscribe(() => {});
    const status = (s: string) => vi.waitFor(() => expect(channel.getState().status).toBe(s), WAIT);
    await status('open');
    usePendingOpsStore.setState({ refused: [inDoubt('op-riding', Date.now())] });
    watchLateAck(channel, 'op-riding');

    await askAboutDoubts('b');
    expect(texts()).toEqual([
      'Adding “op-riding” may not have been saved: the server did not answer in time.',
    ]);

    window.dispatchEvent(new Event('offline'));
    await status('offline');
    window.dispatchEvent(new Event('online'));
    await status('open');
    await askAboutDoubts('b');
    expect(texts()).toEqual(['Adding “op-riding” was not saved: the server never applied it.']);
    client.close();
  });
});
