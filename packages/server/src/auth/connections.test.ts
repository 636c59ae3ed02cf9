import { CloseCode } from '@liveline/protocol';
import { createServer } from 'node:http';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { LivelineServerOptions } from '../index.js';
import {
  attachTestServer,
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';
import { openRawWebSocket } from '../test-utils/openRawWebSocket.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { mintToken } from './mintToken.js';

const SECRET = 'another-test-secret-32-bytes-long!!';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });

describe('tokens on open connections', () => {
  it('A6 a viewer’s write and a transport command without control get forbidden with the op_id; nothing applied, socket open', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const viewer = await mintToken(SECRET, {
      sub: 'v',
      scope: 'board:b1:read transport:*:read',
      ttlSeconds: 60,
    });
    const board = await connectTestClient(
      wsOrigin(server, '/ws/connect?board_id=b1'),
      bearer(viewer),
    );
    await board.next('snapshot');
    board.send({ type: 'card.create', op_id: 'w1', column_id: 'backlog', title: 'no' });
    expect(dataOf(await board.next('error'))).toMatchObject({ code: 'forbidden', op_id: 'w1' });
    board.send({ type: 'time_sync', id: 1, t0: 1 });
    await board.next('time_sync');
    const cards = await rawRequest(server, '/api/boards/b1', bearer(viewer));
    expect(cards.json).toMatchObject({ board: { cards: [] } });

    const transport = await connectTestClient(wsOrigin(server, '/ws/transport'), bearer(viewer));
    transport.send({ type: 'play', op_id: 'p1' });
    expect(dataOf(await transport.next('error'))).toMatchObject({ code: 'forbidden', op_id: 'p1' });
    expect((await rawRequest(server, '/api/transport', bearer(viewer))).json).toMatchObject({
      state: { playing: false },
    });
    expect(board.ws.readyState).toBe(board.ws.OPEN);
    expect(transport.ws.readyState).toBe(transport.ws.OPEN);

    const writer = await mintToken(SECRET, { sub: 'w', scope: 'board:b1:write', ttlSeconds: 60 });
    const editor = await connectTestClient(
      wsOrigin(server, '/ws/connect?board_id=b1'),
      bearer(writer),
    );
    editor.send({ type: 'card.create', op_id: 'w2', column_id: 'backlog', title: 'yes' });
    expect(dataOf(await editor.next('ack'))).toMatchObject({ op_id: 'w2' });
  });

  it('A8 a connection closes with 4401 within 1 s of its token’s exp', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const token = await mintToken(SECRET, { sub: 'a', scope: 'transport:*:read', ttlSeconds: 2 });
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    const exp = claims.exp;
    const client = await connectTestClient(wsOrigin(server, '/ws/transport/clock'), bearer(token));
    const closed = await client.closed;
    const lateMs = Date.now() - exp * 1000;
    expect(closed).toEqual({ code: CloseCode.Unauthorized, reason: 'token expired' });
    expect(lateMs).toBeGreaterThanOrEqual(-5);
    expect(lateMs).toBeLessThan(1000);
  });

  it('K5 A8 an operation sent after the 4401 of an expired token, before the closing handshake ends, is not applied', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const token = await mintToken(SECRET, { sub: 'a', scope: 'board:b1:write', ttlSeconds: 2 });
    // At least a second left at the upgrade: a token past its exp gets 401 there (A2).
    const socket = await openRawWebSocket(server.origin, '/ws/connect?board_id=b1', {
      Authorization: `Bearer ${token}`,
    });
    expect(await socket.closeFrame).toEqual({
      code: CloseCode.Unauthorized,
      reason: 'token expired',
    });
    const op = { type: 'card.create', op_id: 'late', column_id: 'backlog', title: 'late' };
    socket.sendText(JSON.stringify(op));
    // The server reads a socket's frames in order: the op was handled before the close frame.
    await socket.close();

    const writer = await mintToken(SECRET, { sub: 'w', scope: 'board:b1:write', ttlSeconds: 60 });
    const retry = await rawRequest(server, '/api/boards/b1/ops', { body: op, ...bearer(writer) });
    expect(retry.json).toMatchObject({ op_id: 'late', duplicate: false });
    expect(retry.status).toBe(201);
  });

  /**
   * A board socket whose token's exp the server's clock has passed, and what it hears next: its
   * close, or an answer. The expiry timer waits on real time, a minute off, so it has not run.
   */
  const afterExp = async (scope: string, text: string) => {
    const clock = createTestClock();
    const server = await startTestServer({ authSecret: SECRET, now: clock.now });
    const token = await mintToken(SECRET, { sub: 'a', scope, ttlSeconds: 60 });
    const client = await connectTestClient(
      wsOrigin(server, '/ws/connect?board_id=b1'),
      bearer(token),
    );
    await client.next('snapshot');
    clock.skip(61_000);
    client.send(text);
    const heard = await Promise.race([
      client.closed,
      client.next((m) => m.type === 'ack' || m.type === 'error' || m.type === 'time_sync'),
    ]);
    return { server, heard };
  };

  it('A2 A8 an operation sent from the token’s exp on is refused with 4401 "token expired", even before the expiry timer runs', async () => {
    const op = { type: 'card.create', op_id: 'at-exp', column_id: 'backlog', title: 'late' };
    const { server, heard } = await afterExp('board:b1:write', JSON.stringify(op));
    expect(heard).toEqual({ code: CloseCode.Unauthorized, reason: 'token expired' });

    const writer = await mintToken(SECRET, { sub: 'w', scope: 'board:b1:write', ttlSeconds: 600 });
    const retry = await rawRequest(server, '/api/boards/b1/ops', { body: op, ...bearer(writer) });
    expect([retry.status, retry.json]).toMatchObject([201, { duplicate: false }]);
  });

  it.each([
    ['a clock probe', JSON.stringify({ type: 'time_sync', id: 'p', t0: 1 })],
    ['a malformed message', '{"type":'],
  ])(
    'A8 %s from the token’s exp on gets no answer: the socket closes with 4401 at once',
    async (_, text) => {
      const { heard } = await afterExp('board:b1:read', text);
      expect(heard).toEqual({ code: CloseCode.Unauthorized, reason: 'token expired' });
    },
  );

  it('A7 refusals are logged once each with their cause and never with a token', async () => {
    const child = await spawnServer(tempDataDir(), { env: { LIVELINE_AUTH_SECRET: SECRET } });
    const good = await mintToken(SECRET, { sub: 'a', scope: 'board:A:read', ttlSeconds: 60 });
    const expired = await mintToken(SECRET, { sub: 'a', scope: 'board:A:read', ttlSeconds: -300 });
    await rawRequest(child, '/api/boards/B', bearer(good));
    await rawRequest(child, '/ws/connect?board_id=A', { upgrade: true, ...bearer(expired) });
    await rawRequest(child, `/api/boards/A?token=${good}`);
    await rawRequest(child, '/ws/connect?board_id=A', {
      upgrade: true,
      headers: { 'Sec-WebSocket-Protocol': `liveline.v1, liveline.auth.${expired}` },
    });
    await expect
      .poll(
        () =>
          child
            .output()
            .split('\n')
            .filter((l) => l.includes('auth.refused')).length,
      )
      .toBe(4);
    const output = child.output();
    for (const token of [good, expired]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.split('.')[2]);
    }
    expect(output).toContain('token lacks board:B:read');
    expect(output).toContain('token expired');
  });

  /**
   * A server attached to a host the test watches, and upgrades without a token refused over HTTP
   * to clients that keep their side open after reading the answer; `ended` settles once the
   * server has closed its end of such a TCP connection.
   */
  const startRefusing = async (options: LivelineServerOptions) => {
    const host = createServer();
    const { origin } = await attachTestServer(host, { authSecret: SECRET, ...options });
    const { hostname, port } = new URL(origin);
    /** `forwardedFor` names another client through a trusted proxy (L6). */
    const holdRefused = async (forwardedFor?: string) => {
      const accepted = new Promise<Socket>((resolve) => host.once('connection', resolve));
      const holder = connect({ host: hostname, port: Number(port), allowHalfOpen: true });
      onTestCleanup(() => holder.destroy());
      let answer = '';
      holder.setEncoding('latin1').on('data', (chunk: string) => (answer += chunk));
      const refused = new Promise((resolve) => holder.once('end', resolve));
      holder.write(
        `GET /ws/transport/clock HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
          'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
          (forwardedFor ? `X-Forwarded-For: ${forwardedFor}\r\n\r\n` : '\r\n'),
      );
      const serverSide = await accepted;
      const ended = new Promise<void>((resolve) => serverSide.once('close', () => resolve()));
      await refused;
      expect(answer).toMatch(/^HTTP\/1\.1 401 /);
      return { ended };
    };
    const connectWithToken = async () => {
      const token = await mintToken(SECRET, {
        sub: 'a',
        scope: 'transport:*:read',
        ttlSeconds: 60,
      });
      const client = await connectTestClient(
        wsOrigin({ origin }, '/ws/transport/clock'),
        bearer(token),
      );
      await client.next((m) => 'playing' in m);
    };
    return { origin, holdRefused, connectWithToken };
  };
  type Refusing = Awaited<ReturnType<typeof startRefusing>>;
  /** A browser's upgrade refused with a close frame (A7), held open by its client. */
  const holdClosed = async ({ origin }: Refusing, forwardedFor?: string) => {
    const socket = await openRawWebSocket(origin, '/ws/transport/clock', {
      Origin: origin,
      Authorization: 'Bearer not-a-token',
      ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}),
    });
    expect((await socket.closeFrame).code).toBe(4401);
    return socket;
  };
  /** The two ways an upgrade is refused (A7), each held open by its client. */
  const REFUSALS: [string, (refusing: Refusing) => Promise<{ ended: Promise<void> }>][] = [
    ['over HTTP', (refusing) => refusing.holdRefused()],
    ['with a close frame its client never answers', (refusing) => holdClosed(refusing)],
  ];

  it.each(REFUSALS)(
    'L5 A7 an upgrade refused %s is cut once closeGraceMs has passed',
    async (_, refuse) => {
      const refused = await refuse(await startRefusing({ closeGraceMs: 50 }));
      const answeredAt = performance.now();
      await refused.ended;
      // 50 ms asked for; far below the 1 s default, so a grace that ignored the option fails.
      expect(performance.now() - answeredAt).toBeLessThan(900);
    },
  );

  it.each(REFUSALS)(
    'L5 A7 an upgrade refused %s gives its connection slot back at once, while its socket still waits to be cut',
    async (_, refuse) => {
      const refusing = await startRefusing({ maxConnections: 1, closeGraceMs: 60_000 });
      let cut = false;
      void (await refuse(refusing)).ended.then(() => (cut = true));
      await refusing.connectWithToken();
      expect(cut).toBe(false);
    },
  );

  it('L5 A7 a refused upgrade gives its connection slot back once: after its cut, the cap still counts every open socket', async () => {
    const refusing = await startRefusing({ maxConnections: 1, closeGraceMs: 50 });
    const refused = await refusing.holdRefused();
    await refused.ended;
    await refusing.connectWithToken();
    const beyondCap = await rawRequest(refusing, '/ws/transport/clock', { upgrade: true });
    expect([beyondCap.status, beyondCap.json]).toMatchObject([503, { scope: 'total', limit: 1 }]);
  });

  it('L5 at most maxConnections refused upgrades wait for closeGraceMs; one more is cut once its answer is written', async () => {
    const { holdRefused } = await startRefusing({ maxConnections: 1, closeGraceMs: 60_000 });
    let cut = false;
    void (await holdRefused()).ended.then(() => (cut = true));
    const beyond = await holdRefused();
    await beyond.ended;
    expect(cut).toBe(false);
  });

  it('L5 A7 a refused upgrade cut after its grace gives its place among the waiting back: the next browser refusal still gets its close code', async () => {
    const refusing = await startRefusing({ maxConnections: 1, closeGraceMs: 50 });
    await (
      await refusing.holdRefused()
    ).ended;
    await holdClosed(refusing);
  });

  it('L5 A7 one address waits for the grace of at most maxConnectionsPerIp refusals, so another client’s browser refusal still gets its close code', async () => {
    const refusing = await startRefusing({
      maxConnections: 3,
      maxConnectionsPerIp: 1,
      closeGraceMs: 60_000,
      trustedProxies: ['127.0.0.1'],
    });
    let cut = false;
    void (await refusing.holdRefused('192.0.2.1')).ended.then(() => (cut = true));
    await (
      await refusing.holdRefused('192.0.2.1')
    ).ended;
    await holdClosed(refusing, '192.0.2.2');
    expect(cut).toBe(false);
  });
});
