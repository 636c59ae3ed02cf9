import { connect } from 'node:net';
import { describe, expect, it, vi } from 'vitest';
import {
  connectTestClient,
  onTestCleanup,
  rawRequest,
  startTestServer,
  wsOrigin,
} from '../test-utils/index.js';

/**
 * A TCP connection from `localAddress` that sends `request` (nothing by default) and keeps its
 * side open; `refusal` resolves with the status line, `Retry-After` and JSON body of an answer
 * the server ends.
 */
const openSocket = async (origin: string, localAddress: string, request = '') => {
  const { hostname, port } = new URL(origin);
  const socket = connect({ host: hostname, port: Number(port), localAddress, allowHalfOpen: true });
  onTestCleanup(() => socket.destroy());
  let answer = '';
  socket.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
  const refusal = new Promise<{ head: string; body: unknown }>((resolve) =>
    socket.once('end', () => {
      const [head = '', body = ''] = answer.split('\r\n\r\n');
      resolve({ head, body: JSON.parse(body) });
    }),
  );
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(request);
  return { socket, refusal };
};

const postCard = (host: string, board: string) => {
  const body = JSON.stringify({
    type: 'card.create',
    op_id: 'op-1',
    column_id: 'backlog',
    title: 'x',
  });
  return (
    `POST /api/boards/${board}/ops HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
    `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
};

describe('limitSockets', () => {
  it('L5 sockets that are no WebSocket are capped per client from their connection: one more is answered 503 JSON and nothing it sends is served; another client is still served', async () => {
    const server = await startTestServer({ maxConnections: 10, maxConnectionsPerIp: 2 });
    await openSocket(server.origin, '127.0.0.1');
    await openSocket(server.origin, '127.0.0.1');
    const beyond = await openSocket(
      server.origin,
      '127.0.0.1',
      postCard(new URL(server.origin).host, 'capped'),
    );
    const { head, body } = await beyond.refusal;
    expect(head).toMatch(/^HTTP\/1\.1 503 /);
    expect(head).toMatch(/\r\nRetry-After: 1(\r\n|$)/);
    expect(body).toMatchObject({ error: { code: 'unavailable' }, scope: 'ip', limit: 2 });
    const board = await rawRequest(server, '/api/boards/capped', { localAddress: '127.0.0.2' });
    expect(board.json).toMatchObject({ seq: 0, board: { cards: [] } });
    const client = await connectTestClient(wsOrigin(server, '/ws/coordinator'), {
      localAddress: '127.0.0.2',
    });
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it('L5 sockets that are no WebSocket are capped in total, and a closed one gives its slot back', async () => {
    const server = await startTestServer({ maxConnections: 2, maxConnectionsPerIp: 10 });
    const first = await openSocket(server.origin, '127.0.0.1');
    await openSocket(server.origin, '127.0.0.2');
    const beyond = await openSocket(server.origin, '127.0.0.3');
    expect((await beyond.refusal).body).toMatchObject({ scope: 'total', limit: 2 });
    first.socket.destroy();
    await vi.waitFor(async () =>
      expect((await rawRequest(server, '/health', { localAddress: '127.0.0.3' })).status).toBe(200),
    );
  });

  it('L5 a socket upgraded to a WebSocket leaves the count of the others: a client at its cap of one still makes requests', async () => {
    const server = await startTestServer({ maxConnectionsPerIp: 1 });
    await connectTestClient(wsOrigin(server, '/ws/coordinator'), { localAddress: '127.0.0.1' });
    expect((await rawRequest(server, '/health', { localAddress: '127.0.0.1' })).status).toBe(200);
  });

  it('L5 a request refused 400 gives its socket’s slot back at once, while it waits for its grace: the client’s next request at its cap of one is served', async () => {
    const server = await startTestServer({ maxConnectionsPerIp: 1, closeGraceMs: 60_000 });
    const malformed = await openSocket(server.origin, '127.0.0.1', 'garbage\r\n\r\n');
    expect((await malformed.refusal).head).toMatch(/^HTTP\/1\.1 400 /);
    expect((await rawRequest(server, '/health', { localAddress: '127.0.0.1' })).status).toBe(200);
  });

  it('L5 L6 a trusted proxy’s sockets count in the total only: they carry many clients', async () => {
    const server = await startTestServer({
      maxConnectionsPerIp: 1,
      trustedProxies: ['127.0.0.1'],
      insecureNoAuth: true,
    });
    await openSocket(server.origin, '127.0.0.1');
    expect((await rawRequest(server, '/health', { localAddress: '127.0.0.1' })).status).toBe(200);
  });
});
