import { afterEach, expect, it, vi } from 'vitest';
import type { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import type { TransportCommand } from '@liveline/protocol';
import { createClient, type Client } from '@liveline/ws-client';
import { LivelineProvider } from '@liveline/ws-client/react';
import { holdFrames } from '../holdFrames';
import { withRealServer } from '../withRealServer';
import { useTransportCommands, type TransportCommands } from './useTransportCommands';

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

/** Sends `command` through the hook and waits for the server's ack of it. */
async function sendAcked(
  client: Client,
  commands: TransportCommands,
  command: TransportCommand,
): Promise<void> {
  const acked = new Promise<void>((resolve) => {
    const off = client.channel('transport').on('ack', () => {
      off();
      resolve();
    });
  });
  await act(async () => {
    commands.send(command);
    await acked;
  });
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
    await sendAcked(client, result.current, { type: 'stop' });
    // Acknowledged, it waits up to a second for the clock to show it.
    expect(pending.size).toBe(1);
    unmount();
    expect(pending.size).toBe(0);
  } finally {
    client.close();
  }
});

it('while the clock is not heard an acknowledged command keeps waiting for it: the hook sets no timer that would end the wait', async () => {
  const frames = holdFrames((url) => url.includes('/ws/transport/clock'));
  const client = createClient({
    origin: server().origin,
    environment: { WebSocket: frames.WebSocket },
  });
  const { result } = renderHook(() => useTransportCommands(), {
    wrapper: ({ children }: { children: ReactNode }) => (
      <LivelineProvider client={client}>{children}</LivelineProvider>
    ),
  });
  const channel = client.channel('transport');
  const clock = client.channel('clock');
  await vi.waitFor(() => {
    expect(channel.getState().status).toBe('open');
    expect(clock.getState().status).toBe('open');
    expect(client.clockSync(clock).getState().anchor).toMatchObject({ playing: false });
  }, WAIT);
  frames.cut();
  await vi.waitFor(() => expect(result.current.clockOpen).toBe(false), WAIT);
  const { pending } = hookTimers();
  try {
    await sendAcked(client, result.current, { type: 'play' });
    expect(result.current.pending).toHaveLength(1);
    expect(pending.size).toBe(0);
  } finally {
    frames.restore();
    client.close();
  }
});
