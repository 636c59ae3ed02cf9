/**
 * The practical Node ceiling: a minimal `ws` server (compression off) that builds one frame per
 * broadcast and writes it to every socket. It does the same jobs as Liveline's routes: an ordered
 * room with seq and a bounded resume history, a 30 Hz clock, `time_sync` echo and idle sockets
 * that get one status frame as they connect.
 */
import { createServer } from 'node:http';
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

const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false });
const room = new Set<WebSocket>();
const clock = new Set<WebSocket>();
const history: string[] = [];
let headSeq = 0;
const startedAt = epochNow();
const idleStatusFrame = JSON.stringify(PEER_IDLE_STATUS);

const publish = (text: string): void => {
  headSeq += 1;
  const frame = `{"seq":${headSeq},"data":${text}}`;
  history.push(frame);
  if (history.length > PEER_HISTORY_EVENTS) history.shift();
  for (const socket of room) socket.send(frame);
};

wss.on('connection', (socket, req) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  switch (url.pathname.slice(1)) {
    case PEER_ROLES.room: {
      const after = Number(url.searchParams.get('seq') ?? headSeq);
      const oldest = headSeq - history.length;
      for (const frame of history.slice(Math.max(0, after - oldest))) socket.send(frame);
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
  const frame = JSON.stringify(createClockState(startedAt, epochNow()));
  for (const socket of clock) socket.send(frame);
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
