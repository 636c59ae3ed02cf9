import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { LivelineProvider } from '@liveline/ws-client/react';
import { liveline } from '../lib/liveline';
import { withRealServer } from '../withRealServer';
import { DawPage } from './DawPage';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
withRealServer();

/** The browser says the network is gone (or back): the client closes (or reconnects) at once. */
async function network(online: boolean) {
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
  const transport = liveline().channel('transport');
  await waitFor(() => expect(transport.getState().status).toBe(online ? 'open' : 'offline'), WAIT);
}

describe('DawPage against a real server', () => {
  it('Pause pressed offline shows as waiting to send with what it will do, not the stale "Playing at", and the server’s state once confirmed', async () => {
    render(
      <LivelineProvider client={liveline()}>
        <DawPage />
      </LivelineProvider>,
    );
    const status = await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    await userEvent.click(screen.getByRole('button', { name: 'Play' }));
    await waitFor(() => expect(status).toHaveTextContent('Playing at 120 BPM'), WAIT);

    await network(false);
    await userEvent.click(screen.getByRole('button', { name: 'Pause' }));
    expect(status).toHaveTextContent(
      'Waiting to send: Pause (playback will stop and keep its position)',
    );
    expect(screen.getByRole('button', { name: 'Resume' })).toBeEnabled();

    await network(true);
    await waitFor(() => expect(status).toHaveTextContent('Stopped at 120 BPM'), WAIT);
  });

  it('a command the server refuses says which and why', async () => {
    render(
      <LivelineProvider client={liveline()}>
        <DawPage />
      </LivelineProvider>,
    );
    await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    await userEvent.clear(screen.getByLabelText('Loop start (s)'));
    await userEvent.type(screen.getByLabelText('Loop start (s)'), '8');
    await userEvent.clear(screen.getByLabelText('Loop end (s)'));
    await userEvent.type(screen.getByLabelText('Loop end (s)'), '2');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Loop' }));
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Loop was not applied: the loop end must be greater than the loop start (8).',
    );
  });
});
