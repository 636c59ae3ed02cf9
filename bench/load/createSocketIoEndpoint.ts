import { io, type Socket } from 'socket.io-client';
import { PEER_ROLES } from '../peers/peerReady.js';
import { CONNECT_TIMEOUT_MS } from './openSocket.js';
import type { Endpoint } from './Endpoint.js';
import { readStamp, stampPayload, type Stamp } from './stampPayload.js';

/** Payload characters that make a Socket.IO room frame about 250 bytes (`42["m",seq,"…"]`). */
const PAYLOAD_LENGTH = 234;

/** The Socket.IO peer through `socket.io-client`, WebSocket transport only, one Manager per client. */
export function createSocketIoEndpoint(port: number): Endpoint {
  const connect = (
    role: string,
    reconnection: boolean,
    query: () => Record<string, string> = () => ({}),
  ): Socket => {
    const socket = io(`http://127.0.0.1:${port}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection,
      reconnectionDelay: 250,
      reconnectionDelayMax: 10_000,
      timeout: CONNECT_TIMEOUT_MS,
      query: { role },
    });
    // Resume position for the next handshake, read each time the Manager reconnects.
    socket.io.on('reconnect_attempt', () => {
      socket.io.opts.query = { role, ...query() };
    });
    return socket;
  };
  const opened = (socket: Socket): Promise<Socket> =>
    new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => {
        socket.close();
        reject(error);
      });
    });
  const onRoom = (onStamp: (stamp: Stamp) => void) => (_seq: number, text: string) => {
    const stamp = readStamp(text);
    if (stamp) onStamp(stamp);
  };
  return {
    async openRoom(onStamp) {
      const socket = connect(PEER_ROLES.room, false);
      socket.on('m', onRoom(onStamp));
      return opened(socket);
    },
    async openPublisher() {
      const socket = await opened(connect(PEER_ROLES.publish, false));
      return {
        publish: (stamp) => socket.emit('m', stampPayload(stamp, PAYLOAD_LENGTH)),
        close: () => socket.close(),
      };
    },
    async openClock(onTick) {
      const socket = connect(PEER_ROLES.clock, false);
      socket.on('tick', onTick);
      return opened(socket);
    },
    async openEcho() {
      const waiting = new Map<number, () => void>();
      const socket = connect(PEER_ROLES.echo, false);
      socket.on('time_sync', (reply: { id: number }) => {
        waiting.get(reply.id)?.();
        waiting.delete(reply.id);
      });
      await opened(socket);
      return {
        probe: (id) =>
          new Promise<void>((resolve) => {
            waiting.set(id, resolve);
            socket.emit('time_sync', { id, t0: performance.timeOrigin + performance.now() });
          }),
        close: () => socket.close(),
      };
    },
    async openIdle() {
      return opened(connect(PEER_ROLES.idle, false));
    },
    openResuming({ onStamp, onOpen }) {
      let lastSeq: number | null = null;
      const socket = connect(PEER_ROLES.room, true, (): Record<string, string> =>
        lastSeq === null ? {} : { seq: String(lastSeq) },
      );
      const handle = onRoom(onStamp);
      socket.on('m', (seq: number, text: string) => {
        lastSeq = seq;
        handle(seq, text);
      });
      socket.on('connect', onOpen);
      return { isOpen: () => socket.connected, close: () => socket.close() };
    },
    openResumingPublisher() {
      const socket = connect(PEER_ROLES.publish, true);
      return {
        publish: (stamp) => {
          if (socket.connected) socket.emit('m', stampPayload(stamp, PAYLOAD_LENGTH));
        },
        close: () => socket.close(),
      };
    },
  };
}
