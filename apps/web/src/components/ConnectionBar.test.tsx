import { describe, expect, it } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createClient } from '@liveline/ws-client';
import { liveConnections } from '../lib/routeConnection';
import { withRealServer } from '../withRealServer';
import { ConnectionBar } from './ConnectionBar';

const server = withRealServer();
const WAIT = { timeout: 10_000 };

describe('ConnectionBar against a real server', () => {
  it('offers Retry now while offline, and it connects to a server the browser thinks unreachable', async () => {
    // The browser says offline, as on a laptop with no network running the server on localhost.
    const client = createClient({
      origin: server().origin,
      environment: { isOnline: () => false },
    });
    const channel = client.channel('board', { query: { board_id: 'offline' } });
    const stop = channel.onMessage(() => {});
    await waitFor(() => expect(channel.getState().status).toBe('offline'), WAIT);
    render(<ConnectionBar connections={liveConnections(client.connections.getState())} />);

    await userEvent.click(screen.getByRole('button', { name: 'Retry All connections now' }));
    await waitFor(() => expect(channel.getState().status).toBe('open'), WAIT);
    stop();
    client.close();
  });
});
