import type { Socket } from 'node:net';
import { httpErrorSchema, parse } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import {
  connectTestClient,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { openPartialHandshake, rawHttp } from './rawHttp.js';
import { report } from './seededRandom.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
/** A handshake written by hand; `extra` lines are appended as they are (duplicates included). */
const handshake = (path: string, extra: string[] = [], drop: string[] = []): string =>
  [
    `GET ${path} HTTP/1.1`,
    'Host: 127.0.0.1',
    'Connection: Upgrade',
    'Upgrade: websocket',
    `Sec-WebSocket-Key: ${KEY}`,
    'Sec-WebSocket-Version: 13',
    ...extra,
  ]
    .filter((line) => !drop.some((name) => line.startsWith(`${name}:`)))
    .join('\r\n') + '\r\n\r\n';

describe('handshake abuse (raw sockets)', () => {
  it('P3 O1 F9 malformed, foreign and duplicated handshakes each get their documented status with a JSON body', async () => {
    const server = await startTestServer();
    const cases: [string, string, number, string | null][] = [
      ['unknown path', handshake('/ws/nope'), 404, null],
      ['bad route param', handshake('/ws/workflow/bad%20id'), 400, 'id'],
      ['bad board_id', handshake('/ws/connect?board_id=no!'), 400, 'board_id'],
      ['resume seq without epoch', handshake('/ws/connect?seq=3'), 400, 'epoch'],
      [
        'missing Sec-WebSocket-Key',
        handshake('/ws/connect', [], ['Sec-WebSocket-Key']),
        400,
        'sec-websocket-key',
      ],
      [
        'duplicate Sec-WebSocket-Key',
        handshake('/ws/connect', [`Sec-WebSocket-Key: ${KEY}`]),
        400,
        'sec-websocket-key',
      ],
      [
        'malformed Sec-WebSocket-Key',
        handshake('/ws/connect', ['Sec-WebSocket-Key: short'], ['Sec-WebSocket-Key']),
        400,
        'sec-websocket-key',
      ],
      [
        'old Sec-WebSocket-Version',
        handshake('/ws/connect', ['Sec-WebSocket-Version: 8'], ['Sec-WebSocket-Version']),
        426,
        'sec-websocket-version',
      ],
      [
        'Sec-WebSocket-Protocol that is no token list',
        handshake('/ws/connect', ['Sec-WebSocket-Protocol: liveline.v1,']),
        400,
        'sec-websocket-protocol',
      ],
      [
        'a subprotocol offered twice',
        handshake('/ws/connect', ['Sec-WebSocket-Protocol: liveline.v1, liveline.v1']),
        400,
        'sec-websocket-protocol',
      ],
      ['POST with Upgrade', handshake('/ws/connect').replace(/^GET/, 'POST'), 400, 'method'],
      ['foreign Origin', handshake('/ws/connect', ['Origin: http://evil.example']), 403, 'origin'],
      [
        'duplicate Origin, one allowed',
        handshake('/ws/connect', ['Origin: http://evil.example', `Origin: ${server.origin}`]),
        403,
        'origin',
      ],
      [
        'duplicate Content-Length',
        'POST /api/workflows HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}',
        400,
        null,
      ],
      ['oversized headers', handshake('/ws/connect', [`X-Big: ${'a'.repeat(20_000)}`]), 431, null],
      ['binary garbage', '\u0000\u0001\u0002\u00ff\r\n\r\n', 400, null],
      [
        'plain GET of a WebSocket path',
        'GET /ws/connect HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n',
        426,
        null,
      ],
    ];
    const outcomes: string[] = [];
    for (const [what, request, status, field] of cases) {
      const answer = await rawHttp(server.origin, request);
      expect(answer.status, what).toBe(status);
      expect(parse(httpErrorSchema, answer.json).ok, `${what}: ${answer.text}`).toBe(true);
      if (field !== null) expect((answer.json?.error as { field: string }).field, what).toBe(field);
      if (status === 426 && field) expect(answer.headers['sec-websocket-version']).toBe('13');
      outcomes.push(`${status}`);
    }
    // Still serving normal clients.
    const board = await connectTestClient(wsOrigin(server, '/ws/connect'));
    await board.next('snapshot');
    report('F9', { cases: cases.length, statuses: outcomes.join('/'), empty_bodies: 0 });
  });

  it('F10 2000 half-finished handshakes are timed out with 408 JSON while a normal client still connects', async () => {
    const HANDSHAKE_TIMEOUT_MS = 1_000;
    const server = await startTestServer({
      handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS,
      // All from one address: its cap of sockets (L5) would refuse half of them as they connect.
      maxConnectionsPerIp: 4_000,
    });
    const held: { socket: Socket; answer: () => string; closedAt: number }[] = [];
    onTestCleanup(() => held.forEach((h) => h.socket.destroy()));
    const openedAt = performance.now();
    for (let batch = 0; batch < 10; batch += 1) {
      const opened = await Promise.all(
        Array.from({ length: 200 }, () => openPartialHandshake(server.origin)),
      );
      for (const { socket, answer } of opened) {
        const entry = { socket, answer, closedAt: 0 };
        socket.once('close', () => (entry.closedAt = performance.now()));
        held.push(entry);
      }
    }
    const openMs = performance.now() - openedAt;
    // Meanwhile a real client connects and is served, and /health answers.
    const board = await connectTestClient(wsOrigin(server, '/ws/connect'));
    await board.next('snapshot');
    expect((await rawRequest(server, '/health')).status).toBe(200);

    await vi.waitFor(() => expect(held.filter((h) => h.closedAt === 0)).toHaveLength(0), {
      timeout: 15_000,
      interval: 50,
    });
    const statuses = new Set(held.map((h) => h.answer().split('\r\n')[0]));
    expect([...statuses]).toEqual(['HTTP/1.1 408 Request Timeout']);
    const longest = Math.max(...held.map((h) => h.closedAt)) - openedAt;
    expect(board.ws.readyState).toBe(board.ws.OPEN);
    report('F10', {
      half_open_handshakes: held.length,
      open_ms: Math.round(openMs),
      timeout_ms: HANDSHAKE_TIMEOUT_MS,
      all_closed_after_ms: Math.round(longest),
      status: 408,
      bystander_served: 1,
    });
  }, 40_000);

  it('A7 a client refused with 4401 that sends a broken frame before the close completes does not bring the server down', async () => {
    const child = await spawnServer(tempDataDir(), {
      env: { LIVELINE_AUTH_SECRET: 'a-test-secret-of-at-least-32-bytes!!' },
    });
    // No token and liveline.v1 offered: accepted, then closed with 4401 (A7). An unmasked frame
    // right behind the handshake is a protocol error on that socket.
    const unmasked = Buffer.from([0x81, 0x02, 0x68, 0x69]);
    const answer = await rawHttp(
      child.origin,
      Buffer.concat([
        Buffer.from(handshake('/ws/transport/clock', ['Sec-WebSocket-Protocol: liveline.v1'])),
        unmasked,
      ]),
    );
    expect(answer.status).toBe(101);
    expect(answer.text).toContain('token missing');
    expect((await rawRequest(child, '/health')).status).toBe(200);
  });
});
