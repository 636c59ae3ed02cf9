import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { Connection } from './Connection.js';
import { createRouteCounters } from './routeStats.js';
import { encodeTextFrame } from './wireFrame.js';

let http: Server | null = null;
afterEach(() => http?.close());

/** A real server whose one connection is a Connection, and a real `ws` client reading it. */
const connect = async () => {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  http = createServer();
  const accepted = new Promise<Connection>((resolve) =>
    http?.on('upgrade', (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) =>
        resolve(
          new Connection(
            'board',
            'ordered',
            ws,
            socket,
            createRouteCounters(),
            { orderedMaxBufferedBytes: 1 << 30, latestMaxBufferedBytes: 1 << 30 },
            Date.now,
          ),
        ),
      ),
    ),
  );
  await new Promise<void>((resolve) => http?.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate: false });
  const received: string[] = [];
  client.on('message', (data: Buffer, isBinary: boolean) =>
    received.push(`${isBinary ? 'binary' : 'text'}:${data.toString()}`),
  );
  return { connection: await accepted, client, received };
};

describe('whole frames written to the TCP socket', () => {
  it('a real ws client reads every payload length form, in order with ws-framed messages', async () => {
    const { connection, client, received } = await connect();
    // 7-bit, 16-bit and 64-bit lengths at their edges, with multi-byte characters inside.
    const texts = [0, 1, 125, 126, 65_535, 65_536, 200_000].map((n) =>
      '€'.repeat(Math.floor(n / 3)).padEnd(n - 2 * Math.floor(n / 3), 'x'),
    );
    // Frames encoded once (broadcasts, history) and strings framed by ws, interleaved.
    for (const text of texts) {
      connection.sendFrame(encodeTextFrame(text));
      connection.sendBacklog(encodeTextFrame(text));
      connection.sendMessage({ type: 'heartbeat', data: { server_time: text.length } });
    }
    const expected = texts.flatMap((text) => [
      `text:${text}`,
      `text:${text}`,
      `text:${JSON.stringify({ type: 'heartbeat', data: { server_time: text.length } })}`,
    ]);
    await expect.poll(() => received.length, { timeout: 5000 }).toBe(expected.length);
    expect(received).toEqual(expected);
    client.close();
  });
});
