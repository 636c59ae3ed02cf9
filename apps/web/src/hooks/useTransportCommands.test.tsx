import { afterEach, expect, it, vi } from 'vitest';
import type { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { createClient } from '@liveline/ws-client';
import { LivelineProvider } from '@liveline/ws-client/react';
import { withRealServer } from '../withRealServer';
import { useTransportCommands } from './useTransportCommands';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
const server = withRealServer();

/**
 * The timers the hook's own code has pending. The server runs in this process, and its timers
 * come and go with its load; a timer is the hook's when its module is on the stack that set it.
 */
function hookTimers(): { pending: Set<unknown> } {
  const pending = new Set<unknown>();
  const { setTimeout: set, clearTimeout: clear } = globalThis;
  vi.spyOn(globalThis, 'setTimeout').mockImplementation((...args: Parameters<typeof set>) => {
    const handle = set(...args);
    if (new Error().stack?.includes('useTransportCommands.ts')) pending.add(handle);
    return handle;
  });
  vi.spyOn(globalThis, 'clearTimeout').mockImplementation((handle) => {
    pending.delete(handle);
    clear(handle);
  });
  return { pending };
}

afterEach(() => {
  vi.restoreAllMocks();
});

it('an acknowledged command’s wait for the clock ends with the page: once unmounted, no timer of it is left', async () => {
  const client = createClient({ origin: server().origin });
  const { result, unmount } = renderHook(() => useTransportCommands(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LivelineProvider client={client}>{children}</LivelineProvider>
    ),
  });
  const channel = client.channel('transport');
  await vi.waitFor(() => expect(channel.getState().status).toBe('open'), WAIT);
  const { pending } = hookTimers();
  try {
    const acked = new Promise<void>((resolve) => {
      const off = channel.on('ack', () => {
        off();
        resolve();
      });
    });
    await act(async () => {
      result.current.send({ type: 'stop' });
      await acked;
    });
    // Acknowledged, it waits up to a second for the clock to show it.
    expect(pending.size).toBe(1);
    unmount();
    expect(pending.size).toBe(0);
  } finally {
    client.close();
  }
});
