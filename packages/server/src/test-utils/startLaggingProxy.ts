import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { onTestCleanup } from './index.js';

/**
 * A TCP proxy to `127.0.0.1:targetPort` that injects latency: on each connection, from the first
 * client chunk containing `lagFrom` on, every client chunk (or with `lagging: 'replies'`, every
 * reply chunk) reaches the other side `lagMs` after it came, in order. Earlier chunks and the
 * other direction pass at once. `mute()` makes the connections that sent `lagFrom` by then
 * discard every reply chunk from then on, while they stay open (a Redis connection that died
 * without closing, as behind a lost NAT entry: a subscriber that misses messages, commands never
 * answered); connections made later pass. `discarded()` counts the discarded chunks. `cut()`
 * closes the connections that sent `lagFrom` by then, dropping what they still lag, and answers
 * how many. Closed after the test.
 */
export async function startLaggingProxy(
  targetPort: number,
  lagFrom: string,
  lagMs: number,
  lagging: 'requests' | 'replies' = 'requests',
): Promise<{ readonly port: number; mute(): void; discarded(): number; cut(): number }> {
  const sockets = new Set<Socket>();
  const connections = new Set<{ seen: boolean; muted: boolean; readonly client: Socket }>();
  let discarded = 0;
  const server = createServer((client) => {
    const target = connect(targetPort, '127.0.0.1');
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
    const connection = { seen: false, muted: false, client };
    connections.add(connection);
    client.on('close', () => connections.delete(connection));
    let queue = Promise.resolve();
    const forward = (to: Socket, chunk: Buffer, lag: boolean): void => {
      if (!lag) {
        to.write(chunk);
        return;
      }
      const due = Date.now() + lagMs;
      queue = queue
        .then(() => new Promise((resolve) => setTimeout(resolve, due - Date.now())))
        .then(() => void to.write(chunk));
    };
    client.on('data', (chunk: Buffer) => {
      connection.seen ||= chunk.includes(lagFrom);
      forward(target, chunk, connection.seen && lagging === 'requests');
    });
    target.on('data', (chunk: Buffer) => {
      if (connection.muted) discarded += 1;
      else forward(client, chunk, connection.seen && lagging === 'replies');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestCleanup(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as AddressInfo).port,
    mute() {
      for (const connection of connections) connection.muted ||= connection.seen;
    },
    discarded: () => discarded,
    cut() {
      const seen = [...connections].filter((connection) => connection.seen);
      for (const { client } of seen) client.destroy();
      return seen.length;
    },
  };
}
