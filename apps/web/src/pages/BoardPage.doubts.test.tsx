import { describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createClient } from '@liveline/ws-client';
import { holdFrames } from '../holdFrames';
import { ttlClock } from '../ttlClock';
import { resendSavedOps } from '../lib/resendSavedOps';
import { saveBoardOps } from '../lib/saveBoardOps';
import { withRealServer } from '../withRealServer';
import { addCard, boardHarness, WAIT } from './boardPageHarness';

// A history of one event: a client that missed two resumes to a snapshot (R6), not to the events.
const server = withRealServer({ historyMaxEvents: 1 });
const { savedBoard, postOp, openBoard, stallingClient } = boardHarness(server);

describe('BoardPage against a real server: changes that may not have been saved get a definite answer', () => {
  it('a card sent and then let go by a full outbox while offline is said maybe not saved because too many changes were waiting, and once the reconnect ends in a snapshot, the server asked says it was saved', async () => {
    const frames = holdFrames((url) => url.includes('/ws/connect'));
    const client = createClient({
      origin: server().origin,
      environment: { WebSocket: frames.WebSocket },
      outbox: { maxCount: 1 },
    });
    const page = await openBoard('full-outbox', client);
    frames.hold();
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'First kite{Enter}');
    // The server applied it; its event and ack never reach the page.
    await vi.waitFor(async () => expect((await savedBoard('full-outbox')).cards).toHaveLength(1));
    await page.network(false);
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Second kite{Enter}');

    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Adding “First kite” may not have been saved: too many changes were waiting while offline, so the page stopped waiting for its answer.',
    );
    // Two events by another client while offline: the page's resume finds them gone.
    await postOp('full-outbox', addCard('other', 'Other kite'));
    await postOp('full-outbox', { type: 'card.delete', op_id: 'op-gone', card_id: 'other' });
    const snapshots: unknown[] = [];
    page.channel.on('snapshot', (m) => snapshots.push(m.reason));
    frames.release();
    await page.network(true);

    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull(), WAIT);
    expect(snapshots).toEqual(['history_truncated']);
    const titles = (await savedBoard('full-outbox')).cards.map((c) => c.title);
    expect(titles).toEqual(['First kite', 'Second kite']);
    client.close();
  });

  it('a card whose frame stalls on its socket, given up on while that socket is still open, stays maybe not saved when the server asked has not applied it yet: once the server read it and the page opened the board again without its ack, the server asked says it was saved', async () => {
    const { frames, clock, client } = stallingClient();
    const first = await openBoard('stalled', client);
    // The page's next request is its question about the card.
    const questions = vi.spyOn(globalThis, 'fetch');
    frames.hold('sent');
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Stalled kite{Enter}');
    act(() => clock.passTtl());
    const maybe =
      'Adding “Stalled kite” may not have been saved: the server did not answer in time.';
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(maybe);

    // The page asked at once, its socket open; the server, which has not read the op, answered.
    await vi.waitFor(() => {
      const [answer] = questions.mock.settledResults;
      expect(answer?.type === 'fulfilled' && answer.value.status).toBe(404);
    }, WAIT);
    // The server reads it now; its ack and event never reach this page.
    frames.hold();
    frames.release('sent');
    await vi.waitFor(
      async () =>
        expect((await savedBoard('stalled')).cards.map((c) => c.title)).toEqual(['Stalled kite']),
      WAIT,
    );
    expect(screen.getByRole('alert')).toHaveTextContent(maybe);

    // Opened again (as after a reload), the page gets the board in a snapshot and asks again.
    first.unmount();
    client.close();
    const page = await openBoard('stalled', createClient({ origin: server().origin }));
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull(), WAIT);
    expect(
      page.column('Backlog').getByRole('listitem', { name: 'Card Stalled kite' }),
    ).toBeTruthy();
  });

  it('changes the page before a reload may have sent, given up on unsent, are said maybe not saved; once the user comes back to the board the server asked says which it applied (the alert goes) and which it never did (not saved)', async () => {
    const clock = ttlClock();
    const client = createClient({ origin: server().origin, environment: clock.environment });
    const sent = addCard('kite', 'Kite');
    await postOp('left', sent);
    saveBoardOps(
      'left',
      [
        { op: sent, at: Date.now(), title: 'Kite' },
        { op: addCard('lost', 'Lost kite'), at: Date.now(), title: 'Lost kite' },
      ],
      null,
    );
    const page = await openBoard('left', client);
    await page.network(false);
    act(() => resendSavedOps(client));
    act(() => clock.passTtl());
    await waitFor(
      () =>
        expect(screen.getByRole('alert')).toHaveTextContent(
          /Adding “Kite” may not have been saved.*Adding “Lost kite” may not have been saved/,
        ),
      WAIT,
    );

    // The user leaves the board while offline, and comes back once the network is.
    page.unmount();
    window.dispatchEvent(new Event('online'));
    await openBoard('left', client);

    await waitFor(
      () =>
        expect(screen.getByRole('alert')).toHaveTextContent(
          /^Adding “Lost kite” was not saved: the server never applied it\.Dismiss$/,
        ),
      WAIT,
    );
    expect((await savedBoard('left')).cards.map((c) => c.title)).toEqual(['Kite']);
    client.close();
  });
});
