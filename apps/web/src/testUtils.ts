import { expect, vi } from 'vitest';
import { waitFor } from '@testing-library/react';
import type { Client } from '@liveline/ws-client';
import { useChannelErrors } from './lib/channelErrors';
import type { RouteConnection } from './lib/routeConnection';

const WAIT = { timeout: 10_000 };

/** A route connection for component tests; `retry` is a spy. */
export function fakeConnection(overrides: Partial<RouteConnection> = {}): RouteConnection {
  return {
    key: '/ws/coordinator',
    label: 'Coordinator',
    phase: 'open',
    attempt: 0,
    nextRetryAt: null,
    lastClose: null,
    signedOut: false,
    queued: 0,
    rttMs: null,
    clockOffsetMs: null,
    lastError: null,
    retry: vi.fn(),
    ...overrides,
  };
}

/**
 * Opens `boardId`'s channel on `client` against a real server and provokes an error no request
 * settles: a message type the server does not know, whose `error` carries no op_id (PROTOCOL.md
 * E1). Answers the route key and the text {@link useChannelErrors} shows once it arrives.
 */
export async function provokeChannelError(
  client: Client,
  boardId: string,
): Promise<{ key: string; text: string; stop: () => void }> {
  const channel = client.channel('board', { query: { board_id: boardId } });
  const stop = channel.onMessage(() => {});
  await waitFor(() => expect(channel.getState().status).toBe('open'), WAIT);
  channel.send({ type: 'card.teleport' } as never);
  const key = `/ws/connect?board_id=${boardId}`;
  await waitFor(() => expect(useChannelErrors.getState()[key]).toMatch(/^server_error: /), WAIT);
  return { key, text: useChannelErrors.getState()[key] ?? '', stop };
}
