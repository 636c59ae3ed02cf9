import { describe, expect, it, vi } from 'vitest';
import { provokeChannelError } from '../testUtils';
import { withRealServer } from '../withRealServer';
import { liveline } from './liveline';

withRealServer();

describe('liveline against a real server', () => {
  it('a channel error is logged once however often the page asks for its client', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    // main.tsx asks twice: once to re-send saved ops, once for the provider.
    const client = liveline();
    expect(liveline()).toBe(client);

    const { key, text, stop } = await provokeChannelError(client, 'twice');
    expect(warn).toHaveBeenCalledExactlyOnceWith(`Liveline ${key}: ${text}`);
    stop();
    client.close();
    warn.mockRestore();
  });
});
