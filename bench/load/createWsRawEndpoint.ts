import ReconnectingWebSocket from 'reconnecting-websocket';
import WebSocket from 'ws';
import { PEER_ROLES } from '../peers/peerReady.js';
import type { Endpoint, Publisher } from './Endpoint.js';
import { openEchoClient } from './openEchoClient.js';
import { openSocket } from './openSocket.js';
import { findStamp, readStamp, stampPayload, type Stamp } from './stampPayload.js';

/** Payload characters that make a ws-raw room frame about 250 bytes. */
const PAYLOAD_LENGTH = 214;

interface RoomFrame {
  seq: number;
  data: { m: string };
}

const onRoomFrame =
  (onStamp: (stamp: Stamp) => void, onSeq: (seq: number) => void) =>
  (text: string): void => {
    const frame = JSON.parse(text) as RoomFrame;
    onSeq(frame.seq);
    const stamp = readStamp(frame.data.m);
    if (stamp) onStamp(stamp);
  };

const messageText = (stamp: Stamp): string =>
  JSON.stringify({ m: stampPayload(stamp, PAYLOAD_LENGTH) });

/** The ws-raw peer through plain `ws` clients (reconnecting-websocket for the restart storm). */
export function createWsRawEndpoint(port: number): Endpoint {
  const url = (role: string) => `ws://127.0.0.1:${port}/${role}`;
  const noop = (): void => {};
  const reconnecting = (urlOf: () => string): ReconnectingWebSocket =>
    new ReconnectingWebSocket(urlOf, [], {
      WebSocket,
      minReconnectionDelay: 250,
      maxReconnectionDelay: 10_000,
    });
  return {
    async openRoom(onStamp) {
      return openSocket(url(PEER_ROLES.room), (text) => {
        const stamp = findStamp(text);
        if (stamp) onStamp(stamp);
      });
    },
    async openPublisher(): Promise<Publisher> {
      const socket = await openSocket(url(PEER_ROLES.publish), noop);
      return { publish: (stamp) => socket.send(messageText(stamp)), close: () => socket.close() };
    },
    async openClock(onTick) {
      return openSocket(url(PEER_ROLES.clock), onTick);
    },
    openEcho() {
      return openEchoClient(url(PEER_ROLES.echo));
    },
    async openIdle() {
      return openSocket(url(PEER_ROLES.idle), noop);
    },
    openResuming({ onStamp, onOpen }) {
      let lastSeq: number | null = null;
      // Resume after the last seq seen, as Liveline clients do; a restarted peer has no history.
      const socket = reconnecting(
        () => `${url(PEER_ROLES.room)}${lastSeq === null ? '' : `?seq=${lastSeq}`}`,
      );
      const handle = onRoomFrame(onStamp, (seq) => (lastSeq = seq));
      socket.addEventListener('message', (event) => handle(String(event.data)));
      socket.addEventListener('open', onOpen);
      return { isOpen: () => socket.readyState === socket.OPEN, close: () => socket.close() };
    },
    openResumingPublisher() {
      const socket = reconnecting(() => url(PEER_ROLES.publish));
      return {
        publish: (stamp) => {
          if (socket.readyState === socket.OPEN) socket.send(messageText(stamp));
        },
        close: () => socket.close(),
      };
    },
  };
}
