/**
 * Socket.IO 4 doing Liveline's jobs the idiomatic way: a room joined on connect with
 * `io.to(room).emit` (one encoded packet per broadcast), a 30 Hz clock room, `time_sync` echo and
 * idle sockets that get one status as they connect. WebSocket transport only, as the clients use.
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { CLOCK_RATE_HZ, createClockState, epochNow, startTickLoop } from './createClockState.js';
import {
  PEER_HISTORY_EVENTS,
  PEER_IDLE_STATUS,
  PEER_ROLES,
  announceReady,
  requestedPort,
} from './peerReady.js';

const http = createServer();
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  serveClient: false,
});
const history: { seq: number; text: string }[] = [];
let headSeq = 0;
const startedAt = epochNow();

io.on('connection', (socket) => {
  const { role, seq } = socket.handshake.query;
  switch (String(role)) {
    case PEER_ROLES.room: {
      const after = typeof seq === 'string' ? Number(seq) : headSeq;
      for (const entry of history) if (entry.seq > after) socket.emit('m', entry.seq, entry.text);
      void socket.join(PEER_ROLES.room);
      return;
    }
    case PEER_ROLES.publish:
      socket.on('m', (text: string) => {
        headSeq += 1;
        history.push({ seq: headSeq, text });
        if (history.length > PEER_HISTORY_EVENTS) history.shift();
        io.to(PEER_ROLES.room).emit('m', headSeq, text);
      });
      return;
    case PEER_ROLES.clock:
      void socket.join(PEER_ROLES.clock);
      return;
    case PEER_ROLES.echo:
      socket.on('time_sync', (probe: { id: number; t0: number }) => {
        const t1 = epochNow();
        socket.emit('time_sync', { id: probe.id, t0: probe.t0, t1, t2: epochNow() });
      });
      return;
    case PEER_ROLES.idle:
      socket.emit(PEER_IDLE_STATUS.type, PEER_IDLE_STATUS.data);
      return;
    default:
      return;
  }
});

const stopClock = startTickLoop(CLOCK_RATE_HZ, () => {
  io.to(PEER_ROLES.clock).emit('tick', createClockState(startedAt, epochNow()));
});

http.listen(requestedPort(), '127.0.0.1', () => {
  const address = http.address();
  announceReady(typeof address === 'object' && address ? address.port : 0, async () => {
    stopClock();
    // Dropping the transports (not `disconnectSockets`, which tells clients not to come back)
    // is what clients see when a server process restarts.
    io.engine.close();
    http.closeAllConnections();
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
});
