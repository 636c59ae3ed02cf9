import { AUTH_SUBPROTOCOL_PREFIX, SUBPROTOCOL, wsUrl } from '@liveline/protocol';
import { createClient, type WebSocketConstructor } from '@liveline/ws-client';
import WebSocket from 'ws';
import type { Endpoint, Publisher } from './Endpoint.js';
import { openEchoClient } from './openEchoClient.js';
import { openSocket } from './openSocket.js';
import { findStamp, readStamp, stampPayload, type Stamp } from './stampPayload.js';

/** The board every bench client joins, and the card whose updates are the published messages. */
const BOARD_ID = 'bench';
const CARD_ID = 'bench-card';
/** Description characters that make a `card.updated` frame about 250 bytes. */
const PAYLOAD_LENGTH = 44;

const updateOp = (stamp: Stamp) => ({
  type: 'card.update' as const,
  op_id: `op-${stamp.p}`,
  card_id: CARD_ID,
  description: stampPayload(stamp, PAYLOAD_LENGTH),
});

const createCardOp = {
  type: 'card.create',
  op_id: 'create-bench-card',
  column_id: 'backlog',
  title: 'bench',
  card_id: CARD_ID,
} as const;

/**
 * Liveline's real routes: the ordered board room `/ws/connect` (a publisher's `card.update` ops
 * become `card.updated` events to every board client), `/ws/transport/clock` for ticks and
 * `time_sync` on `/ws/agent/:name`; @liveline/ws-client with `ws` for the restart storm. With
 * `token`, every socket offers the token it answers as a browser does (`liveline.auth.<token>`,
 * PROTOCOL.md A2).
 */
export function createLivelineEndpoint(
  port: number,
  token: (() => string) | null = null,
): Endpoint {
  const origin = `http://127.0.0.1:${port}`;
  const protocols = (): string[] =>
    token === null ? [] : [SUBPROTOCOL, `${AUTH_SUBPROTOCOL_PREFIX}${token()}`];
  const board = wsUrl(origin, 'board', { query: { board_id: BOARD_ID } });
  const agent = wsUrl(origin, 'agent', { params: { name: 'screenwriter' } });
  const noop = (): void => {};
  const client = () =>
    createClient({
      origin,
      environment: { WebSocket: WebSocket as unknown as WebSocketConstructor },
      getToken: token ?? undefined,
    });
  return {
    openRoom(onStamp) {
      // Usable once the snapshot arrived: from then on the socket is subscribed to the room.
      return new Promise((resolve, reject) => {
        const socket = openSocket(
          board,
          (text) => {
            if (text.startsWith('{"type":"snapshot"')) void socket.then(resolve);
            else if (text.startsWith('{"type":"card.updated"')) {
              const stamp = findStamp(text);
              if (stamp) onStamp(stamp);
            }
          },
          protocols(),
        );
        socket.catch(reject);
      });
    },
    async openPublisher(): Promise<Publisher> {
      let created: () => void = noop;
      const ready = new Promise<void>((resolve) => (created = resolve));
      const socket = await openSocket(
        board,
        (text) => {
          // The create's ack, or its conflict error when the card exists already.
          if (text.includes('create-bench-card')) created();
        },
        protocols(),
      );
      socket.send(JSON.stringify(createCardOp));
      await ready;
      return {
        publish: (stamp) => socket.send(JSON.stringify(updateOp(stamp))),
        close: () => socket.close(),
      };
    },
    openClock(onTick) {
      return openSocket(wsUrl(origin, 'clock'), onTick, protocols());
    },
    openEcho() {
      return openEchoClient(agent, protocols());
    },
    openIdle() {
      return openSocket(agent, noop, protocols());
    },
    openResuming({ onStamp, onOpen }) {
      const channel = client().channel('board', { query: { board_id: BOARD_ID } });
      const stopMessages = channel.on('card.updated', (message) => {
        const stamp = readStamp(message.data.card.description);
        if (stamp) onStamp(stamp);
      });
      let wasOpen = false;
      const stopState = channel.subscribe(() => {
        const open = channel.getState().status === 'open';
        if (open && !wasOpen) onOpen();
        wasOpen = open;
      });
      return {
        isOpen: () => channel.getState().status === 'open',
        close: () => {
          stopMessages();
          stopState();
        },
      };
    },
    openResumingPublisher() {
      const channel = client().channel('board', { query: { board_id: BOARD_ID } });
      const stopState = channel.subscribe(noop);
      channel.send(createCardOp);
      // Ops carry op_id, so the client keeps them until acknowledged and resends after the restart.
      return { publish: (stamp) => void channel.send(updateOp(stamp)), close: stopState };
    },
  };
}
