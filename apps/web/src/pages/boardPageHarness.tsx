import { expect, onTestFinished, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/react';
import type { Board } from '@liveline/protocol';
import type { LivelineServer } from '@liveline/server';
import { createClient, type Client } from '@liveline/ws-client';
import { LivelineProvider } from '@liveline/ws-client/react';
import { holdFrames } from '../holdFrames';
import { liveline } from '../lib/liveline';
import { useRouterStore } from '../stores/routerStore';
import { ttlClock } from '../ttlClock';
import { BoardPage } from './BoardPage';

/** A wait for the server and the socket, not a bound under test. */
export const WAIT = { timeout: 10_000 };

/** The operation adding card `cardId` titled `title` to the Backlog. */
export const addCard = (cardId: string, title: string) =>
  ({
    type: 'card.create',
    op_id: `op-${cardId}`,
    card_id: cardId,
    column_id: 'backlog',
    title,
  }) as const;

/**
 * Makes the page's questions about changes that may not have been saved (lib/api.ts `wasApplied`)
 * fail as if the network lost them, an injected failure, until the test ends.
 */
export function failQuestions(): void {
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation((input, init) => {
    const question = typeof init?.body === 'string' && init.body.includes('"card.delete"');
    return question ? Promise.reject(new TypeError('Failed to fetch')) : real(input, init);
  });
  onTestFinished(() => spy.mockRestore());
}

/** The board page against `server` (withRealServer's), and the board as another client sees it. */
export function boardHarness(server: () => LivelineServer) {
  return {
    /** The board as the server has it, read over HTTP as another client would. */
    savedBoard: async (boardId: string): Promise<Board> => {
      const response = await fetch(`${server().origin}/api/boards/${boardId}`);
      return ((await response.json()) as { board: Board }).board;
    },
    /** Applies an operation as another client would. */
    postOp: (boardId: string, op: object) =>
      fetch(`${server().origin}/api/boards/${boardId}/ops`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(op),
      }),
    /** A client whose board sockets' frames can be held (holdFrames) and whose TTL waits the test passes (ttlClock). */
    stallingClient: () => {
      const frames = holdFrames((url) => url.includes('/ws/connect'));
      const clock = ttlClock();
      const client = createClient({
        origin: server().origin,
        environment: { WebSocket: frames.WebSocket, ...clock.environment },
      });
      return { frames, clock, client };
    },
    /** Opens the board page and waits for its board. */
    openBoard: async (boardId: string, client: Client = liveline()) => {
      useRouterStore.getState().navigate(`/board?board=${boardId}`);
      const { unmount } = render(
        <LivelineProvider client={client}>
          <BoardPage />
        </LivelineProvider>,
      );
      await screen.findByRole('group', { name: `Board ${boardId}` }, WAIT);
      const channel = client.channel('board', { query: { board_id: boardId } });
      return {
        channel,
        /** Leaves the page: the board's socket closes once nothing else holds it. */
        unmount,
        column: (title: string) => within(screen.getByRole('region', { name: `Column ${title}` })),
        /** The browser says the network is gone (or back): the client closes (or reconnects) at once. */
        network: async (online: boolean) => {
          window.dispatchEvent(new Event(online ? 'online' : 'offline'));
          await waitFor(
            () => expect(channel.getState().status).toBe(online ? 'open' : 'offline'),
            WAIT,
          );
        },
      };
    },
  };
}
