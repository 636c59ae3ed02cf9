import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { probeHttp, probeWebSocket } from './probe.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

const listen = async (server: Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const sockets = new Set<Duplex>();
  server.on('connection', (s) => sockets.add(s));
  server.on('upgrade', (_req, s: Duplex) => sockets.add(s));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

/** A server whose path picks the behaviour a probe must classify. */
async function startBehaviourServer(): Promise<{ url: string; origins: (string | undefined)[] }> {
  const origins: (string | undefined)[] = [];
  const wss = new WebSocketServer({ noServer: true });
  const plain = new WebSocketServer({ noServer: true, handleProtocols: () => false });
  cleanups.push(() => {
    wss.close();
    plain.close();
  });
  const server = createServer((_req, res) =>
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'),
  );
  server.on('upgrade', (req, socket: Duplex, head) => {
    origins.push(req.headers.origin);
    switch (req.url ?? '') {
      case '/talk':
        return wss.handleUpgrade(req, socket, head, (ws) => ws.send('{"hello":true}'));
      case '/silent':
        return wss.handleUpgrade(req, socket, head, () => undefined);
      case '/close':
        return wss.handleUpgrade(req, socket, head, (ws) => ws.close(4404, 'gone'));
      case '/plain':
        return plain.handleUpgrade(req, socket, head, (ws) => ws.send('x'));
      case '/forbid':
        return socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
      default:
        return; // holds the upgrade forever, like a dev server that doesn't forward it
    }
  });
  return { url: await listen(server), origins };
}

describe('probeWebSocket', () => {
  it('classifies every handshake outcome', async () => {
    const { url } = await startBehaviourServer();
    const probe = (path: string) => probeWebSocket(`${url}${path}`, { timeoutMs: 300 });

    const [talk, silent, close, plain, forbid, hold] = await Promise.all(
      ['/talk', '/silent', '/close', '/plain', '/forbid', '/hold'].map(probe),
    );

    expect(talk).toMatchObject({
      kind: 'message',
      protocol: 'liveline.v1',
      message: '{"hello":true}',
    });
    expect(silent).toMatchObject({ kind: 'silent' });
    expect(close).toMatchObject({ kind: 'closed', code: 4404, reason: 'gone' });
    expect(plain).toMatchObject({ kind: 'failed', upgraded: true, message: /no subprotocol/ });
    expect(forbid).toMatchObject({ kind: 'rejected', answer: { status: 403, body: '' } });
    expect(hold).toMatchObject({ kind: 'timeout' });
  });

  it('sends the Origin header only when asked', async () => {
    const { url, origins } = await startBehaviourServer();

    await probeWebSocket(`${url}/talk`);
    await probeWebSocket(`${url}/talk`, { origin: 'http://127.0.0.1:5173' });

    expect(origins).toEqual([undefined, 'http://127.0.0.1:5173']);
  });
});

describe('probeHttp', () => {
  it('reads status, type and body, and reports a closed port as refused', async () => {
    const { url } = await startBehaviourServer();
    const server = createServer();
    const closed = await listen(server);
    await new Promise((resolve) => server.close(resolve));

    const answered = await probeHttp(url.replace('ws:', 'http:'));
    const refused = await probeHttp(closed.replace('ws:', 'http:'));

    expect(answered).toMatchObject({ kind: 'answered', answer: { status: 200, body: 'ok' } });
    expect(refused).toMatchObject({ kind: 'refused' });
  });
});
