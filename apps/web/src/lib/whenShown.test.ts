import { describe, expect, it, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import { createClient } from '@liveline/ws-client';
import { withRealServer } from '../withRealServer';
import { whenShown } from './whenShown';

const server = withRealServer();
const WAIT = { timeout: 10_000 };

describe('whenShown against a real server', () => {
  it('settles when its channel is released before the event comes, as its next holder starts from a snapshot', async () => {
    const client = createClient({ origin: server().origin });
    const channel = client.channel('board', { query: { board_id: 'left' } });
    const stop = channel.onMessage(() => {});
    await waitFor(() => expect(channel.resumePosition()).not.toBeNull(), WAIT);
    const shown = vi.fn();
    // An acknowledged op whose event has not come (in a cluster, its publish failed).
    whenShown(channel, (channel.resumePosition()?.seq ?? 0) + 1, shown);
    expect(shown).not.toHaveBeenCalled();

    stop(); // the user leaves the board
    await waitFor(() => expect(channel.getState().status).toBe('idle'), WAIT);
    expect(shown).toHaveBeenCalledOnce();
    client.close();
  });
});
