import { afterEach, describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { createClient } from '@liveline/ws-client';
import { withRealServer } from '../withRealServer';
import { useChannelErrors, watchChannelErrors } from './channelErrors';
import { liveConnections } from './routeConnection';

const server = withRealServer();
const WAIT = { timeout: 10_000 };

afterEach(() => useChannelErrors.setState({}, true));

describe('watchChannelErrors against a real server', () => {
  it('an error no request settles is logged once and shown as its route’s last error, also on a channel opened after the watch began', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = createClient({ origin: server().origin });
    watchChannelErrors(client);
    const channel = client.channel('board', { query: { board_id: 'errors' } });
    const stop = channel.onMessage(() => {});
    await waitFor(() => expect(channel.getState().status).toBe('open'), WAIT);

    // A message type the server does not know: its `error` carries no op_id (PROTOCOL.md E1).
    channel.send({ type: 'card.teleport' } as never);
    const key = '/ws/connect?board_id=errors';
    await waitFor(() => expect(useChannelErrors.getState()[key]).toMatch(/^server_error: /), WAIT);
    expect(warn).toHaveBeenCalledExactlyOnceWith(
      `Liveline ${key}: ${useChannelErrors.getState()[key]}`,
    );
    const [row] = liveConnections(client.connections.getState(), useChannelErrors.getState());
    expect(row?.lastError).toBe(useChannelErrors.getState()[key]);
    stop();
    client.close();
    warn.mockRestore();
  });
});
