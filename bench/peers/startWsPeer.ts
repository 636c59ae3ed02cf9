/**
 * A minimal `ws` server (compression off) doing the same jobs as Liveline's routes: an ordered
 * room with seq and a bounded resume history, a 30 Hz clock, `time_sync` echo and idle sockets
 * that get one status frame as they connect. Two ways to broadcast:
 * - `send` (ws-raw): one string per broadcast, `ws.send` to each socket, so `ws` encodes and
 *   frames it once per socket;
 * - `frame` (ws-frame, the practical Node ceiling): one frame per broadcast, built once by `ws`'s
 *   own framer, and the same bytes written to every TCP socket, as Liveline's transport does.
 */
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import * as wsModule from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { CLOCK_RATE_HZ, createClockState, epochNow, startTickLoop } from './createClockState.js';
import {
  PEER_HISTORY_EVENTS,
  PEER_IDLE_STATUS,
  PEER_ROLES,
  announceReady,
  requestedPort,
} from './peerReady.js';

/** Close code Liveline sends when it restarts (1012 Service Restart). */
const CLOSE_RESTART = 1012;

/** `ws`'s framer, which its typings leave out: header and payload of one unmasked frame. */
const { frame: frameParts } = (
  wsModule as unknown as {
    Sender: { frame: (data: Buffer, options: Record<string, unknown>) => Buffer[] };
  }
).Sender;
const TEXT_FRAME = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };

/** How a broadcast reaches each socket. */
interface Broadcast<T> {
  readonly encode: (text: string) => T;
  readonly write: (socket: WebSocket, message: T) => void;
}

const perSocket: Broadcast<string> = {
  encode: (text) => text,
  write: (socket, text) => socket.send(text),
};
const frameOnce: Broadcast<Buffer> = {
  encode: (text) => Buffer.concat(frameParts(Buffer.from(text), TEXT_FRAME)),
  write: (socket, frame) => void (socket as unknown as { _socket: Socket })._socket.write(frame),
};

/** Starts the peer; `mode` says how it broadcasts. */
export function startWsPeer(mode: 'send' | 'frame'): void {
  if (mode === 'send') serve(perSocket);
  else serve(frameOnce);
}

function serve<T>({ encode, write }: Broadcast<T>): void {
  const http = createServer();
  const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
  const room = new Set<WebSocket>();
  const clock = new Set<WebSocket>();
  const history: T[] = [];
  let headSeq = 0;
  const startedAt = epochNow();
  const idleStatusFrame = JSON.stringify(PEER_IDLE_STATUS);

  const publish = (text: string): void => {
    headSeq += 1;
    const frame = encode(`{"seq":${headSeq},"data":${text}}`);
    history.push(frame);
    if (history.length > PEER_HISTORY_EVENTS) history.shift();
    for (const socket of room) write(socket, frame);
  };

  wss.on('connection', (socket, req) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    switch (url.pathname.slice(1)) {
      case PEER_ROLES.room: {
        const after = Number(url.searchParams.get('seq') ?? headSeq);
        const oldest = headSeq - history.length;
        for (const frame of history.slice(Math.max(0, after - oldest))) write(socket, frame);
        room.add(socket);
        socket.on('close', () => room.delete(socket));
        return;
      }
      case PEER_ROLES.publish:
        socket.on('message', (data) => publish((data as Buffer).toString()));
        return;
      case PEER_ROLES.clock:
        clock.add(socket);
        socket.on('close', () => clock.delete(socket));
        return;
      case PEER_ROLES.echo:
        socket.on('message', (data) => {
          const t1 = epochNow();
          const probe = JSON.parse((data as Buffer).toString()) as { id: number; t0: number };
          socket.send(
            JSON.stringify({
              type: 'time_sync',
              data: { id: probe.id, t0: probe.t0, t1, t2: epochNow() },
            }),
          );
        });
        return;
      case PEER_ROLES.idle:
        socket.send(idleStatusFrame);
        return;
      default:
        return;
    }
  });

  const stopClock = startTickLoop(CLOCK_RATE_HZ, () => {
    const frame = encode(JSON.stringify(createClockState(startedAt, epochNow())));
    for (const socket of clock) write(socket, frame);
  });

  http.listen(requestedPort(), '127.0.0.1', () => {
    const address = http.address();
    announceReady(typeof address === 'object' && address ? address.port : 0, async () => {
      stopClock();
      for (const socket of wss.clients) socket.close(CLOSE_RESTART, 'server restarting');
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    });
  });
}
