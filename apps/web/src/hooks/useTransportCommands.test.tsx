import { expect, it, vi } from 'vitest';
import type { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { createClient } from '@liveline/ws-client';
import { LivelineProvider } from '@liveline/ws-client/react';
import { withRealServer } from '../withRealServer';
import { useTransportCommands } from './useTransportCommands';

/** A wait for the server and the socket, not a bound under test. */
const WAIT = { timeout: 10_000 };
const server = withRealServer();
// The client's own timers stay real while the test fakes the page's.
const { setTimeout: realSetTimeout, clearTimeout: realClearTimeout } = globalThis;

it('an acknowledged command’s wait for the clock ends with the page: once unmounted, no timer of it is left', async () => {
  const client = createClient({
    origin: server().origin,
    environment: {
      setTimeout: (run, ms) => realSetTimeout(run, ms),
      clearTimeout: (handle) => realClearTimeout(handle as ReturnType<typeof setTimeout>),
    },
  });
  const { result, unmount } = renderHook(() => useTransportCommands(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LivelineProvider client={client}>{children}</LivelineProvider>
    ),
  });
  const channel = client.channel('transport');
  await vi.waitFor(() => expect(channel.getState().status).toBe('open'), WAIT);
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
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
    expect(vi.getTimerCount()).toBe(1);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  } finally {
    vi.useRealTimers();
    client.close();
  }
});
