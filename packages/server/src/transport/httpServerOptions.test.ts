import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { connect, type Socket } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import { onTestCleanup, startTestServer } from '../test-utils/index.js';

/** Whether the server has closed its side of each TCP connection it accepted, by client port. */
const watchServerSockets = (): Map<number, { closed: boolean }> => {
  const byClientPort = new Map<number, { closed: boolean }>();
  const onSocket = (message: unknown): void => {
    const { socket } = message as { socket: Socket };
    const state = { closed: false };
    byClientPort.set(socket.remotePort ?? 0, state);
    socket.once('close', () => (state.closed = true));
  };
  subscribe('net.server.socket', onSocket);
  onTestCleanup(() => unsubscribe('net.server.socket', onSocket));
  return byClientPort;
};

/** Sends `request` on a connection that keeps its side open once the server's answer ended. */
const holdAnswered = async (origin: string, request: string) => {
  const { hostname, port } = new URL(origin);
  const client = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
  onTestCleanup(() => client.destroy());
  let answer = '';
  client.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
  const ended = new Promise((resolve) => client.once('end', resolve));
  client.write(request);
  await ended;
  return { answer, port: client.localPort ?? 0 };
};

const REFUSALS = {
  'an upgrade refused for its path': (host: string) =>
    `GET /ws/nowhere HTTP/1.1\r\nHost: ${host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  'a malformed request': () => 'garbage\r\n\r\n',
};
type Refusal = keyof typeof REFUSALS;

describe('createClientErrorHandler', () => {
  it.each<[Refusal, Refusal]>([
    ['an upgrade refused for its path', 'a malformed request'],
    ['a malformed request', 'an upgrade refused for its path'],
  ])(
    'L5 malformed requests share the bound of refusals waiting for their grace: with one place, held by %s, %s is cut once its answer is written',
    async (first, second) => {
      const sockets = watchServerSockets();
      const server = await startTestServer({ maxConnections: 1, closeGraceMs: 60_000 });
      const host = new URL(server.origin).host;
      const holding = await holdAnswered(server.origin, REFUSALS[first](host));
      const beyond = await holdAnswered(server.origin, REFUSALS[second](host));
      expect([holding.answer, beyond.answer]).toEqual([
        expect.stringMatching(/^HTTP\/1\.1 4\d\d /),
        expect.stringMatching(/^HTTP\/1\.1 4\d\d /),
      ]);
      await vi.waitFor(() => expect(sockets.get(beyond.port)?.closed).toBe(true), {
        timeout: 5_000,
      });
      expect(sockets.get(holding.port)?.closed).toBe(false);
    },
  );
});
