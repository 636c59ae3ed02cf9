import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient } from '@liveline/ws-client';
import { provokeChannelError } from '../testUtils';
import { withRealServer } from '../withRealServer';
import { useChannelErrors, watchChannelErrors } from './channelErrors';
import { liveConnections } from './routeConnection';

const server = withRealServer();

afterEach(() => useChannelErrors.setState({}, true));

describe('watchChannelErrors against a real server', () => {
  it('an error no request settles is logged once and shown as its route’s last error, also on a channel opened after the watch began', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const client = createClient({ origin: server().origin });
    watchChannelErrors(client);

    const { key, text, stop } = await provokeChannelError(client, 'errors');
    expect(warn).toHaveBeenCalledExactlyOnceWith(`Liveline ${key}: ${text}`);
    const [row] = liveConnections(client.connections.getState(), useChannelErrors.getState());
    expect(row?.lastError).toBe(text);
    stop();
    client.close();
    warn.mockRestore();
  });
});
