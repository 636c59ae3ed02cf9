import { CloseCode } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/mintToken.js';
import type { LogFields } from '../log/createLogger.js';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';
import { openRawWebSocket } from '../test-utils/openRawWebSocket.js';

const SECRET = 'bad-input-test-secret-32-bytes-long!';
const HIDDEN = 'HIDDEN-IN-THE-INPUT';

/** A server with auth on whose every log line (any level) the test reads. */
const startLoggedServer = async (options: Parameters<typeof startTestServer>[0] = {}) => {
  const lines: { level: string; event: string; fields: LogFields }[] = [];
  const at =
    (level: string) =>
    (event: string, fields: LogFields = {}) =>
      lines.push({ level, event, fields });
  const logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  const server = await startTestServer({ ...options, authSecret: SECRET, logger });
  const token = await mintToken(SECRET, {
    sub: 'writer',
    scope: 'board:*:write workflow:*:read transport:*:read',
    ttlSeconds: 60,
  });
  const of = (event: string) => lines.filter((l) => l.event === event);
  return { server, token, lines, of };
};

describe('bad input in the log', () => {
  it('P3 every HTTP request refused for what it sent (400, 413, 415) is one warn line with its code and field, never its content or the token', async () => {
    const { server, token, lines, of } = await startLoggedServer();
    const auth = { Authorization: `Bearer ${token}` };
    const op = { type: 'card.create', op_id: 'o1', column_id: 'backlog', secret: HIDDEN };
    type Logged = { status: number; code: string; field?: string | null };
    const cases: [string, Parameters<typeof rawRequest>[2], Logged][] = [
      [
        '/api/boards/b1/ops',
        { body: { ...op, title: '' } },
        { status: 400, code: 'invalid_field', field: 'title' },
      ],
      [
        '/api/boards/b1/ops',
        { body: `{"${HIDDEN}":` },
        { status: 400, code: 'bad_json', field: null },
      ],
      [
        '/api/boards/b1/ops',
        { body: { ...op, title: 'x'.repeat(300_000) } },
        { status: 413, code: 'invalid_field' },
      ],
      [
        '/api/boards/b1/ops',
        { body: HIDDEN, headers: { 'Content-Type': 'text/plain' } },
        { status: 415, code: 'not_supported', field: 'content-type' },
      ],
      [
        `/api/workflows?limit=${HIDDEN}`,
        {},
        { status: 400, code: 'invalid_field', field: 'limit' },
      ],
      ['/api/workflows/bad%20id', {}, { status: 400, code: 'invalid_field', field: 'id' }],
    ];
    for (const [path, options, expected] of cases) {
      const res = await rawRequest(server, path, {
        ...options,
        headers: { ...auth, ...options?.headers },
      });
      expect(res.status).toBe(expected.status);
    }
    expect(of('http.bad_request').map((l) => [l.level, l.fields])).toEqual(
      cases.map(([, , expected]): [string, unknown] => [
        'warn',
        expect.objectContaining({ ...expected, ip: '127.0.0.1' }),
      ]),
    );
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(HIDDEN);
    expect(logged).not.toContain(token.split('.')[2]);
  });

  it('O2 O3 an HTTP request refused for its Origin or Host is one warn line (http.refused) with its field and the client’s whole address, never the token', async () => {
    const { server, token, lines, of } = await startLoggedServer();
    const send = (headers: Record<string, string>) =>
      rawRequest(server, '/api/transport', {
        body: { type: 'play' },
        headers: { Authorization: `Bearer ${token}`, ...headers },
        localAddress: '127.0.0.2',
      });
    expect((await send({ Origin: 'https://evil.example' })).status).toBe(403);
    expect((await send({ Host: 'rebind.evil.example' })).status).toBe(403);
    expect(of('http.refused').map((l) => [l.level, l.fields])).toEqual(
      ['origin', 'host'].map((field) => [
        'warn',
        expect.objectContaining({ field, ip: '127.0.0.2' }) as LogFields,
      ]),
    );
    expect(JSON.stringify(lines)).not.toContain(token.split('.')[2]);
  });

  it('E1 E2 L1 a socket’s first bad message is one warn line with its code and field; the rest are counted in one line when it closes', async () => {
    const { server, token, lines, of } = await startLoggedServer();
    const headers = { Authorization: `Bearer ${token}` };
    const flood = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=b1'), { headers });
    await flood.next('snapshot');
    flood.send(`{"${HIDDEN}":`);
    flood.send({ type: HIDDEN });
    for (let i = 0; i < 4; i++) flood.send({ type: 'card.delete', op_id: HIDDEN.slice(0, 2) + i });
    expect((await flood.closed).code).toBe(CloseCode.BadMessage);
    await expect.poll(() => of('ws.bad_messages').length).toBe(1);
    const id = of('ws.bad_message')[0]?.fields.id;
    expect(of('ws.bad_message').map((l) => [l.level, l.fields])).toEqual([
      ['warn', { route: 'board', id, ip: '127.0.0.1', code: 'bad_json', field: null }],
    ]);
    expect(of('ws.bad_messages')[0]).toMatchObject({
      level: 'warn',
      fields: { route: 'board', id, count: 6, close_code: CloseCode.BadMessage },
    });

    const big = await connectTestClient(wsOrigin(server, '/ws/transport'), { headers });
    big.send(JSON.stringify({ type: 'play', pad: HIDDEN.repeat(5000) }));
    expect((await big.closed).code).toBe(1009);
    await expect.poll(() => of('ws.bad_message').length).toBe(2);
    expect(of('ws.bad_message')[1]?.fields).toMatchObject({
      route: 'transport',
      code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH',
      field: null,
    });
    expect(of('ws.bad_messages')).toHaveLength(1);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(HIDDEN);
    expect(logged).not.toContain(token.split('.')[2]);
  });
  it('A6 a socket’s first message its token does not permit is one warn line with code forbidden; the rest are counted in one line when it closes, and the socket stays open meanwhile', async () => {
    const { server, token, of } = await startLoggedServer();
    const reader = await connectTestClient(wsOrigin(server, '/ws/transport'), {
      headers: { Authorization: `Bearer ${token}` },
    });
    for (const opId of ['p1', 'p2', 'p3']) {
      reader.send({ type: 'play', op_id: opId });
      const refused = await reader.next((m) => m.type === 'error');
      expect(refused).toMatchObject({ data: { code: 'forbidden', op_id: opId } });
    }
    const id = of('ws.bad_message')[0]?.fields.id;
    expect(of('ws.bad_message').map((l) => [l.level, l.fields])).toEqual([
      ['warn', { route: 'transport', id, ip: '127.0.0.1', code: 'forbidden', field: null }],
    ]);
    reader.ws.close();
    await expect.poll(() => of('ws.bad_messages').length).toBe(1);
    expect(of('ws.bad_messages')[0]?.fields).toMatchObject({ route: 'transport', id, count: 3 });
  });
  it('L4 a socket closed with 4429 for sending too fast is one warn line with code rate_limited', async () => {
    const { server, token, of } = await startLoggedServer({
      rateLimitPerSecond: 0.001,
      rateLimitBurst: 3,
    });
    const fast = await connectTestClient(wsOrigin(server, '/ws/transport'), {
      headers: { Authorization: `Bearer ${token}` },
    });
    for (let i = 0; i < 4; i++) fast.send({ type: 'time_sync', id: i, t0: i });
    expect((await fast.closed).code).toBe(CloseCode.TooManyRequests);
    await expect.poll(() => of('ws.bad_message').length).toBe(1);
    expect(of('ws.bad_message')[0]).toMatchObject({
      level: 'warn',
      fields: { route: 'transport', code: 'rate_limited', field: null },
    });
  });
  it('a broken frame ws fails the socket for, 1002 (a reserved opcode) or 1007 (text that is not UTF-8), is one warn line with its WS_ERR code, never its content or the token, however many follow it', async () => {
    const { server, token, lines, of } = await startLoggedServer();
    const cases = [
      { close: 1002, code: 'WS_ERR_INVALID_OPCODE', opcode: 0x3, payload: Buffer.from(HIDDEN) },
      {
        close: 1007,
        code: 'WS_ERR_INVALID_UTF8',
        opcode: 0x1,
        payload: Buffer.concat([Buffer.from(HIDDEN), Buffer.from([0xff])]),
      },
    ];
    for (const [i, { close, code, opcode, payload }] of cases.entries()) {
      const socket = await openRawWebSocket(server.origin, '/ws/transport', {
        Authorization: `Bearer ${token}`,
      });
      socket.sendFrame(opcode, payload);
      socket.sendFrame(opcode, payload);
      expect((await socket.closeFrame).code).toBe(close);
      // ws ends a socket it failed; its close listener logs ws.closed after the count (if any).
      await expect.poll(() => of('ws.closed').length).toBe(i + 1);
      const id = of('ws.closed')[i]?.fields.id;
      expect(of('ws.bad_message')[i]).toEqual({
        level: 'warn',
        event: 'ws.bad_message',
        fields: { route: 'transport', id, ip: '127.0.0.1', code, field: null },
      });
    }
    expect(of('ws.bad_message')).toHaveLength(cases.length);
    expect(of('ws.bad_messages')).toEqual([]);
    const logged = JSON.stringify(lines);
    expect(logged).not.toContain(HIDDEN);
    expect(logged).not.toContain(token.split('.')[2]);
  });
});
