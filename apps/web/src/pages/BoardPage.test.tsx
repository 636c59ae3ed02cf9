import { describe, expect, it, vi } from 'vitest';
import { act, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createClient, createView, EMPTY_BOARD, reduceBoard } from '@liveline/ws-client';
import { ttlClock } from '../ttlClock';
import { liveline } from '../lib/liveline';
import { resendSavedOps } from '../lib/resendSavedOps';
import { saveBoardOps, takeSavedBoardOps } from '../lib/saveBoardOps';
import { RESEND_WITHIN_MS } from '../lib/sendCardOp';
import { withRealServer } from '../withRealServer';
import { addCard, boardHarness, failQuestions, WAIT } from './boardPageHarness';

const server = withRealServer();
const { savedBoard, postOp, openBoard, stallingClient } = boardHarness(server);

describe('BoardPage against a real server: the user’s own changes', () => {
  it('a card added and edited while offline shows at once marked waiting to send, and as a plain card once the server acknowledges both', async () => {
    const page = await openBoard('offline-add');
    await page.network(false);
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Cut teaser{Enter}');
    await userEvent.click(screen.getByRole('button', { name: 'Edit Cut teaser' }));
    await userEvent.type(screen.getByLabelText('Card title'), ' v2{Enter}');

    const card = page.column('Backlog').getByRole('listitem', { name: 'Card Cut teaser v2' });
    expect(card).toHaveTextContent('Waiting to send');
    expect((await savedBoard('offline-add')).cards).toEqual([]);

    await page.network(true);
    await waitFor(() => expect(card).not.toHaveTextContent(/Waiting to send|Sending/), WAIT);
    expect((await savedBoard('offline-add')).cards.map((c) => c.title)).toEqual(['Cut teaser v2']);
  });

  it('a card moved with its Move select keeps the focus on that select in its new column; a move the server refuses puts the card back where the server has it and says why until dismissed by keyboard, which puts the focus on the board', async () => {
    const op = { type: 'card.create', op_id: 'op-kite', card_id: 'kite', column_id: 'backlog' };
    await postOp('refused-move', { ...op, title: 'Kite' });
    const page = await openBoard('refused-move');
    await page.network(false);
    await userEvent.selectOptions(screen.getByLabelText('Move Kite to'), 'review');
    expect(page.column('Review').getByRole('listitem', { name: 'Card Kite' })).toHaveTextContent(
      'Waiting to send',
    );
    // The card was drawn anew in its new column: the keyboard's place goes with it.
    expect(page.column('Review').getByLabelText('Move Kite to')).toHaveFocus();
    // Another client deletes the column the move goes to while this one is offline.
    await postOp('refused-move', { type: 'column.delete', op_id: 'op-drop', column_id: 'review' });

    await page.network(true);
    // A sentence about what the user sees: no op id, no column id.
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      /^Moving “Kite” was not saved: the column no longer exists\.Dismiss$/,
    );
    const card = page.column('Backlog').getByRole('listitem', { name: 'Card Kite' });
    expect(card).not.toHaveTextContent(/Waiting to send|Sending/);
    screen.getByRole('button', { name: /^Dismiss: Moving “Kite”/ }).focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.queryByRole('alert')).toBeNull();
    // Not lost to the top of the page with the button: on the board the change was about.
    expect(screen.getByRole('group', { name: 'Board refused-move' })).toHaveFocus();
  });
});

describe('BoardPage against a real server: who is here', () => {
  it('the name typed in is the one the board shows for this page again after a reconnect (B3: the server knows a new connection as a guest)', async () => {
    const page = await openBoard('presence-name');
    await userEvent.type(screen.getByLabelText('Your name'), 'Ada');
    const here = screen.getByRole('list', { name: 'Who is here' });
    await waitFor(() => expect(here).toHaveTextContent('Ada (you)'), WAIT);
    // The page's own view of the board, for the id the server gives each connection.
    const view = createView(page.channel, reduceBoard, EMPTY_BOARD);
    const before = view.getState().clientId;

    await page.network(false);
    await page.network(true);
    await waitFor(() => expect(view.getState().clientId).not.toBe(before), WAIT);
    await waitFor(() => expect(here).toHaveTextContent(/^AAda \(you\)$/), WAIT);
  });
});

describe('BoardPage against a real server: changes the server answers late, or after a reload', () => {
  it('a card added while offline and still unsent when the outbox TTL passes is said not saved, as it could not be sent in time, and leaves the board', async () => {
    const clock = ttlClock();
    const client = createClient({ origin: server().origin, environment: clock.environment });
    const page = await openBoard('never-sent', client);
    await page.network(false);
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Kite{Enter}');
    expect(page.column('Backlog').getByRole('listitem', { name: 'Card Kite' })).toHaveTextContent(
      'Waiting to send',
    );

    act(() => clock.passTtl());
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Adding “Kite” was not saved: it could not be sent in time.',
    );
    expect(page.column('Backlog').queryByRole('listitem', { name: 'Card Kite' })).toBeNull();
    client.close();
  });

  it('a card sent whose answer is delayed past the outbox TTL is said maybe not saved, as the server did not answer in time, and shown as saved once the server’s late answer arrives, also when the server cannot be asked', async () => {
    failQuestions();
    const { frames, clock, client } = stallingClient();
    const page = await openBoard('late-ack', client);
    frames.hold();
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Late kite{Enter}');
    // The server applied it; its event and ack are on their way, held back.
    await vi.waitFor(
      async () =>
        expect((await savedBoard('late-ack')).cards.map((c) => c.title)).toEqual(['Late kite']),
      WAIT,
    );

    act(() => clock.passTtl());
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Adding “Late kite” may not have been saved: the server did not answer in time.',
    );
    frames.release();
    await waitFor(() => expect(screen.queryByRole('alert')).toBeNull(), WAIT);
    expect(
      page.column('Backlog').getByRole('listitem', { name: 'Card Late kite' }),
    ).not.toHaveTextContent(/Waiting to send|Sending/);
    client.close();
  });

  it('a card whose ack comes before its event (a cluster node’s publish that failed) stays on the board, marked pending, until the event arrives', async () => {
    const { frames, client } = stallingClient();
    const page = await openBoard('ack-first', client);
    const acks: unknown[] = [];
    page.channel.on('ack', (ack) => acks.push(ack));
    frames.hold('received', (data) => data.includes('"card.created"'));
    await userEvent.click(screen.getByRole('button', { name: 'Add card to Backlog' }));
    await userEvent.type(screen.getByLabelText('Card title'), 'Kite{Enter}');
    await waitFor(() => expect(acks).toHaveLength(1), WAIT);

    const card = () => page.column('Backlog').getByRole('listitem', { name: 'Card Kite' });
    expect(card()).toHaveTextContent('Sending');
    frames.release();
    await waitFor(() => expect(card()).not.toHaveTextContent(/Waiting to send|Sending/), WAIT);
    expect(page.column('Backlog').getAllByRole('listitem', { name: 'Card Kite' })).toHaveLength(1);
    client.close();
  });

  it('changes saved before a reload are sent again with their op ids: one the server had applied is answered duplicate and shows as saved, once; one it had not is applied', async () => {
    const create = addCard('kite', 'Kite');
    // The page sent the card and was reloaded before the ack came; the edit never left it.
    await postOp('reload', create);
    const edit = {
      type: 'card.update',
      op_id: 'op-unsent',
      card_id: 'kite',
      title: 'Kite v2',
    } as const;
    saveBoardOps(
      'reload',
      [
        { op: create, at: Date.now(), title: 'Kite' },
        { op: edit, at: Date.now(), title: 'Kite' },
      ],
      null,
    );

    resendSavedOps(liveline());
    const page = await openBoard('reload');
    const card = page.column('Backlog').getByRole('listitem', { name: 'Card Kite v2' });
    await waitFor(() => expect(card).not.toHaveTextContent(/Waiting to send|Sending/), WAIT);
    expect(screen.queryByRole('alert')).toBeNull();
    expect((await savedBoard('reload')).cards.map((c) => c.title)).toEqual(['Kite v2']);
    expect(takeSavedBoardOps().size).toBe(0);
  });

  it('a change saved before a reload that cannot be sent again within the outbox TTL is said maybe not saved: the page before the reload may have sent it', async () => {
    const clock = ttlClock();
    const client = createClient({ origin: server().origin, environment: clock.environment });
    const page = await openBoard('reload-offline', client);
    await page.network(false);
    saveBoardOps(
      'reload-offline',
      [{ op: addCard('kite', 'Kite'), at: Date.now(), title: 'Kite' }],
      null,
    );

    act(() => resendSavedOps(client));
    expect(page.column('Backlog').getByRole('listitem', { name: 'Card Kite' })).toHaveTextContent(
      'Waiting to send',
    );
    act(() => clock.passTtl());
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Adding “Kite” may not have been saved: it could not be sent in time.',
    );
    client.close();
  });

  it('a change saved before a reload longer ago than its op id is surely kept is not sent again, and the user is told it may not have been saved', async () => {
    const create = addCard('old', 'Old kite');
    saveBoardOps(
      'reload-old',
      [{ op: create, at: Date.now() - RESEND_WITHIN_MS, title: 'Old kite' }],
      null,
    );

    resendSavedOps(liveline());
    await openBoard('reload-old');
    expect(screen.getByRole('alert')).toHaveTextContent(
      'Adding “Old kite” may not have been saved: the page was closed before the server answered, too long ago to send it again.',
    );
    expect((await savedBoard('reload-old')).cards).toEqual([]);
  });
});
