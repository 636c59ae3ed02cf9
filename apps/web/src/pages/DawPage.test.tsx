import { describe, expect, it, vi } from 'vitest';
import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { BPM_MAX, BPM_MIN } from '@liveline/protocol';
import { createClient, type Client } from '@liveline/ws-client';
import { LivelineProvider } from '@liveline/ws-client/react';
import { holdFrames } from '../holdFrames';
import { liveline } from '../lib/liveline';
import { ttlClock } from '../ttlClock';
import { withRealServer } from '../withRealServer';
import { DawPage } from './DawPage';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
const server = withRealServer();

/** The browser says the network is gone (or back): the client closes (or reconnects) at once. */
async function network(online: boolean) {
  window.dispatchEvent(new Event(online ? 'online' : 'offline'));
  const transport = liveline().channel('transport');
  await waitFor(() => expect(transport.getState().status).toBe(online ? 'open' : 'offline'), WAIT);
}

/** Renders the DAW page on the real server. */
function openDaw(client: Client = liveline()) {
  render(
    <LivelineProvider client={client}>
      <DawPage />
    </LivelineProvider>,
  );
}

/** The clock route lagging behind the acks: its frames held back while the test says so. */
const clockFrames = holdFrames((url) => url.includes('/ws/transport/clock'));

describe('DawPage against a real server', () => {
  it('Pause pressed offline shows as waiting to send with what it will do, not the stale "Playing at", and the server’s state once confirmed', async () => {
    openDaw();
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

  it('a tempo typed offline stays in the Tempo field while it waits to send, not the tempo it replaces, and is the server’s once confirmed', async () => {
    openDaw();
    const status = await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    const tempo = screen.getByRole('spinbutton', { name: 'Tempo (BPM)' });
    await waitFor(() => expect(tempo).toHaveValue(120), WAIT);

    await network(false);
    await userEvent.clear(tempo);
    await userEvent.type(tempo, '90{Enter}');
    expect(status).toHaveTextContent('Waiting to send: Tempo (the tempo will change to 90 BPM)');
    expect(tempo).toHaveValue(90);

    await network(true);
    await waitFor(() => expect(status).toHaveTextContent('at 90 BPM'), WAIT);
    expect(tempo).toHaveValue(90);
    // The server is shared by this file's tests, which start at 120 BPM.
    await userEvent.clear(tempo);
    await userEvent.type(tempo, '120{Enter}');
    await waitFor(() => expect(status).toHaveTextContent('at 120 BPM'), WAIT);
  });

  it('a tempo out of range or empty stays typed in the Tempo field with the allowed range beside it, and nothing is sent; a valid one clears it and is sent', async () => {
    openDaw();
    const status = await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    const tempo = screen.getByRole('spinbutton', { name: 'Tempo (BPM)' });
    await waitFor(() => expect(tempo).toHaveValue(120), WAIT);
    const range = `Tempo must be a number from ${BPM_MIN} to ${BPM_MAX} BPM.`;

    for (const typed of [String(BPM_MAX + 600), String(BPM_MIN - 10)]) {
      await userEvent.clear(tempo);
      await userEvent.type(tempo, `${typed}{Enter}`);
      expect(tempo).toHaveValue(Number(typed));
      expect(tempo).toHaveAccessibleDescription(range);
      expect(status).not.toHaveTextContent('Sending');
    }
    await userEvent.clear(tempo);
    await userEvent.type(tempo, '{Enter}');
    expect(tempo).toHaveValue(null);
    expect(screen.getByRole('alert')).toHaveTextContent(range);

    await userEvent.type(tempo, '120{Enter}');
    expect(screen.queryByText(range)).toBeNull();
    expect(tempo).toHaveAttribute('aria-invalid', 'false');
    await waitFor(() => expect(status).toHaveTextContent('at 120 BPM'), WAIT);
  });

  it('each command waiting to send is its own item of a status region that announces only what is added, not the whole list again; the position readout is not announced', async () => {
    openDaw();
    const status = await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    // The position readout changes every frame while playing: it must not be announced at all.
    expect(screen.getByLabelText('Position')).toHaveAttribute('aria-live', 'off');
    await network(false);
    await userEvent.click(screen.getByRole('button', { name: 'Play' }));
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));

    expect(status).toHaveAttribute('aria-atomic', 'false');
    expect(
      within(status)
        .getAllByRole('listitem')
        .map((item) => item.textContent),
    ).toEqual([
      'Play (playback will start from the current position)',
      'Stop (playback will stop and go back to the start)',
    ]);
    await network(true);
    await waitFor(() => expect(status).toHaveTextContent('Stopped at 120 BPM'), WAIT);
  });

  it('a command acknowledged before the clock shows it stays on screen until the clock does: the old state does not flash up between the two', async () => {
    const client = createClient({
      origin: server().origin,
      environment: { WebSocket: clockFrames.WebSocket },
    });
    openDaw(client);
    await userEvent.click(await screen.findByRole('button', { name: 'Stop' }, WAIT));
    const status = await screen.findByText('Stopped at 120 BPM', {}, WAIT);
    let acks = 0;
    const off = client.channel('transport').onMessage((m) => void (m.type === 'ack' && acks++));

    clockFrames.hold();
    await userEvent.click(screen.getByRole('button', { name: 'Play' }));
    await vi.waitFor(() => expect(acks).toBe(1), WAIT);
    await act(() => Promise.resolve());
    expect(status).toHaveTextContent(
      'Sending: Play (playback will start from the current position)',
    );
    expect(screen.getByRole('button', { name: 'Pause' })).toBeEnabled();

    clockFrames.release();
    await waitFor(() => expect(status).toHaveTextContent('Playing at 120 BPM'), WAIT);
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));
    off();
    client.close();
  });

  it('a command the server refuses says which and why, and Dismiss by keyboard hides it and puts the focus on the transport', async () => {
    openDaw();
    await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    await userEvent.clear(screen.getByLabelText('Loop start (s)'));
    await userEvent.type(screen.getByLabelText('Loop start (s)'), '8');
    await userEvent.clear(screen.getByLabelText('Loop end (s)'));
    await userEvent.type(screen.getByLabelText('Loop end (s)'), '2');
    await userEvent.click(screen.getByRole('checkbox', { name: 'Loop' }));
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Loop was not applied: the loop end must be greater than the loop start (8).',
    );
    screen.getByRole('button', { name: /^Dismiss: Loop was not applied/ }).focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByRole('region', { name: 'Transport' })).toHaveFocus();
  });

  it('a command sent whose answer is delayed past the outbox TTL says it may not have been applied, as the server did not answer in time', async () => {
    const frames = holdFrames((url) => new URL(url).pathname === '/ws/transport');
    const clock = ttlClock();
    const client = createClient({
      origin: server().origin,
      environment: { WebSocket: frames.WebSocket, ...clock.environment },
    });
    openDaw(client);
    await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    const transport = client.channel('transport');
    await waitFor(() => expect(transport.getState().status).toBe('open'), WAIT);
    frames.hold();
    await userEvent.click(screen.getByRole('button', { name: 'Stop' }));

    act(() => clock.passTtl());
    expect(await screen.findByRole('alert', {}, WAIT)).toHaveTextContent(
      'Stop may not have been applied: the server did not answer in time.',
    );
    frames.release();
    client.close();
  });

  it('while the transport clock is not heard the page says its state is the last heard, the playhead stops greyed, and a Pause acknowledged meanwhile stays pending until the clock is back', async () => {
    const client = createClient({
      origin: server().origin,
      environment: { WebSocket: clockFrames.WebSocket },
    });
    openDaw(client);
    const status = await screen.findByText(/Stopped at|Playing at/, {}, WAIT);
    await userEvent.click(screen.getByRole('button', { name: 'Play' }));
    await waitFor(() => expect(status).toHaveTextContent('Playing at 120 BPM'), WAIT);
    let acks = 0;
    const off = client.channel('transport').onMessage((m) => void (m.type === 'ack' && acks++));

    const playhead = screen.getByTestId('playhead');
    await waitFor(() => expect(Number(playhead.dataset.seconds)).toBeGreaterThan(0), WAIT);
    clockFrames.cut();
    await waitFor(
      () =>
        expect(status).toHaveTextContent(
          'Playing at 120 BPM when the transport clock was last heard; reconnecting…',
        ),
      WAIT,
    );
    expect(playhead).toHaveClass('is-stale');
    const frozenAt = playhead.dataset.seconds;
    for (let frame = 0; frame < 3; frame++) await new Promise(requestAnimationFrame);
    expect(playhead.dataset.seconds).toBe(frozenAt);

    await userEvent.click(screen.getByRole('button', { name: 'Pause' }));
    await vi.waitFor(() => expect(acks).toBe(1), WAIT);
    // That it keeps waiting, past the second it waits for an open clock, is useTransportCommands'.
    await act(() => Promise.resolve());
    expect(status).toHaveTextContent('Sending: Pause (playback will stop and keep its position)');

    clockFrames.restore();
    await waitFor(() => expect(status).toHaveTextContent('Stopped at 120 BPM'), WAIT);
    expect(playhead).not.toHaveClass('is-stale');
    off();
    client.close();
  });

  it('the loop fields show the transport’s region, also one another client set; turning the loop off keeps the region, and bounds edited while it loops apply when the field is left', async () => {
    const other = createClient({ origin: server().origin });
    let sent = 0;
    const command = (loop: { enabled: boolean; start_seconds?: number; end_seconds?: number }) =>
      other.channel('transport').request({ type: 'loop', op_id: `loop-${++sent}`, ...loop });
    await command({ enabled: true, start_seconds: 2, end_seconds: 6 });
    openDaw();
    const loop = await screen.findByRole('checkbox', { name: 'Loop' }, WAIT);
    await waitFor(() => expect(loop).toBeChecked(), WAIT);
    expect(screen.getByLabelText('Loop start (s)')).toHaveValue(2);
    expect(screen.getByLabelText('Loop end (s)')).toHaveValue(6);

    await userEvent.click(loop);
    await waitFor(() => expect(loop).not.toBeChecked(), WAIT);
    expect(screen.getByLabelText('Loop start (s)')).toHaveValue(2);
    expect(screen.getByLabelText('Loop end (s)')).toHaveValue(6);

    await userEvent.click(loop);
    await waitFor(() => expect(loop).toBeChecked(), WAIT);
    const serverLoop = (start: number, end: number) =>
      waitFor(async () => {
        const answer = await fetch(`${server().origin}/api/transport`);
        expect(await answer.json()).toMatchObject({
          state: { loop_enabled: true, loop_start_seconds: start, loop_end_seconds: end },
        });
      }, WAIT);
    // Left for the next field, then Enter pressed in a field.
    await userEvent.clear(screen.getByLabelText('Loop end (s)'));
    await userEvent.type(screen.getByLabelText('Loop end (s)'), '4');
    await userEvent.tab();
    await serverLoop(2, 4);
    expect(screen.getByLabelText('Loop end (s)')).toHaveValue(4);
    await userEvent.clear(screen.getByLabelText('Loop start (s)'));
    await userEvent.type(screen.getByLabelText('Loop start (s)'), '1{Enter}');
    await serverLoop(1, 4);
    await command({ enabled: false });
    other.close();
  });
});
