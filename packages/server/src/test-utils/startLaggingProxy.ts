import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { onTestCleanup } from './index.js';

/**
 * A TCP proxy to `127.0.0.1:targetPort` that injects latency: on each connection, from the first
 * client chunk containing `lagFrom` on, every client chunk reaches the target `lagMs` after it
 * came, in order. Earlier chunks and every reply pass at once. Closed after the test.
 */
export async function startLaggingProxy(
  targetPort: number,
  lagFrom: string,
  lagMs: number,
): Promise<{ readonly port: number }> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const target = connect(targetPort, '127.0.0.1');
    for (const socket of [client, target]) {
      sockets.add(socket);
      socket.on('error', () => socket.destroy());
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('close', () => target.destroy());
    target.on('close', () => client.destroy());
    target.pipe(client);
    let lagging = false;
    let queue = Promise.resolve();
    client.on('data', (chunk: Buffer) => {
      lagging ||= chunk.includes(lagFrom);
      if (!lagging) {
        target.write(chunk);
        return;
      }
      const due = Date.now() + lagMs;
      queue = queue
        .then(() => new Promise((resolve) => setTimeout(resolve, due - Date.now())))
        .then(() => void target.write(chunk));
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
  return { port: (server.address() as AddressInfo).port };
}
