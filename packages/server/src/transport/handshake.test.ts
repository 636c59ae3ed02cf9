import { createServer } from 'node:http';
import { CloseCode, restartSpreadMs, SUBPROTOCOL } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/mintToken.js';
import { DRAIN_TIMEOUT_MS } from '../compose/createLivelineServer.js';
import {
  attachTestServer,
  connectTestClient,
  rawRequest,
  startTestServer,
  wsOrigin,
} from '../test-utils/index.js';
import { assertHandlers } from './assertHandlers.js';

describe('handshake', () => {
  it('P1 a table route without a handler refuses start naming the route', () => {
    expect(() => assertHandlers({})).toThrow(
      /no handler for route "workflow" \(\/ws\/workflow\/:id\)/,
    );
  });

  it('P3 upgrade to an unknown path answers 404 JSON naming the path and the WebSocket routes', async () => {
    const server = await startTestServer();
    const res = await rawRequest(server, '/ws/nope', { upgrade: true });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'not_found', field: null }, path: '/ws/nope' });
    expect(res.json?.websocket_routes).toContain('/ws/transport/clock');
    expect(res.json?.hint).toEqual(expect.any(String));
  });

  it('P3 plain GET of a WebSocket path is 426, unknown HTTP path 404, wrong method 405', async () => {
    const server = await startTestServer();
    const upgradeRequired = await rawRequest(server, '/ws/transport');
    expect(upgradeRequired.status).toBe(426);
    expect(upgradeRequired.json).toMatchObject({ error: { code: 'not_supported' } });
    expect((await rawRequest(server, '/api/nothing')).status).toBe(404);
    const wrongMethod = await rawRequest(server, '/health', { method: 'POST', body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.allow).toBe('GET');
  });

  it('P3 bad route params and malformed resume queries are 400 naming the field', async () => {
    const server = await startTestServer();
    const badId = await rawRequest(server, '/ws/workflow/bad%20id', { upgrade: true });
    expect(badId.status).toBe(400);
    expect(badId.json).toMatchObject({ error: { code: 'invalid_field', field: 'id' } });
    const badBoard = await rawRequest(server, '/ws/connect?board_id=no!', { upgrade: true });
    expect(badBoard.json).toMatchObject({ error: { field: 'board_id' } });
    const badSeq = await rawRequest(server, '/ws/connect?epoch=e1&seq=-1', { upgrade: true });
    expect(badSeq.status).toBe(400);
    expect(badSeq.json).toMatchObject({ error: { field: 'seq' } });
    const noEpoch = await rawRequest(server, '/ws/workflow/w1?seq=3', { upgrade: true });
    expect(noEpoch.json).toMatchObject({ error: { field: 'epoch' } });
  });

  it('O1 a foreign Origin gets 403 JSON with the reason; no Origin and the server’s own are allowed', async () => {
    const server = await startTestServer();
    const foreign = await rawRequest(server, '/ws/transport/clock', {
      upgrade: true,
      headers: { Origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.json).toMatchObject({ error: { field: 'origin' } });
    expect(String((foreign.json?.error as { message: string }).message)).toContain(
      'ALLOWED_ORIGINS',
    );
    expect((await rawRequest(server, '/ws/transport/clock', { upgrade: true })).status).toBe(101);
    const own = await rawRequest(server, '/ws/transport/clock', {
      upgrade: true,
      headers: { Origin: server.origin },
    });
    expect(own.status).toBe(101);
  });

  it('O1 O7 the Vite dev origins are not allowed by default: another Vite project on its default port can neither open a socket nor read an answer', async () => {
    const server = await startTestServer();
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:5173']) {
      const upgrade = await rawRequest(server, '/ws/transport/clock', {
        upgrade: true,
        headers: { Origin: origin },
      });
      expect(upgrade.status).toBe(403);
      const read = await rawRequest(server, '/api/transport', { headers: { Origin: origin } });
      expect(read.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('V1 liveline.v1 is selected, no subprotocol works, other versions are closed with 4406', async () => {
    const server = await startTestServer();
    const v1 = await connectTestClient(wsOrigin(server, '/ws/transport/clock'), {
      protocols: [SUBPROTOCOL],
    });
    expect(v1.ws.protocol).toBe(SUBPROTOCOL);
    const plain = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    await plain.next((m) => m.playing === false);
    const v2 = await connectTestClient(wsOrigin(server, '/ws/transport/clock'), {
      protocols: ['liveline.v2'],
    });
    const closed = await v2.closed;
    expect(closed.code).toBe(CloseCode.UnsupportedVersion);
    expect(closed.reason).toContain(SUBPROTOCOL);
  });

  it('AG1 an unknown agent name is accepted then closed with 4404 naming it', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/agent/nobody'));
    expect(await client.closed).toMatchObject({
      code: CloseCode.NotFound,
      reason: expect.stringContaining('agent "nobody" does not exist') as string,
    });
  });

  it('B0 a raw upgrade like the seed curl gets 101 and the exact greeting', async () => {
    const server = await startTestServer();
    const res = await rawRequest(server, '/ws/connect', { upgrade: true });
    expect(res.status).toBe(101);
    expect(res.headers['sec-websocket-accept']).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(Object.keys(res.json ?? {})).toEqual(['event', 'data']);
    expect(res.json).toEqual({
      event: 'connected',
      data: {
        client_id: expect.stringMatching(/^client_\d+\.\d+$/) as string,
        message: 'Connected to Agent Kanban Board WebSocket',
        board_id: null,
        server_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/) as string,
      },
    });
  });

  it('D1 stop() drains: an upgrade during the drain gets 503, every socket is closed with 1012, then nothing listens', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/connect'));
    // Until this client reads again it cannot answer its 1012, so the server is still draining.
    client.ws.pause();
    const stopped = server.stop();
    const refused = await rawRequest(server, '/ws/connect', { upgrade: true });
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ error: { code: 'unavailable' } });
    client.ws.resume();
    expect((await client.closed).code).toBe(CloseCode.ServiceRestart);
    await stopped;
    await expect(connectTestClient(wsOrigin(server, '/ws/connect'))).rejects.toThrow();
  });

  it('D1 an upgrade whose token check ends after the drain began gets 503 and does not hold the drain open', async () => {
    const secret = 'drain-race-test-secret-32-bytes-long';
    const host = createServer();
    const server = await attachTestServer(host, { authSecret: secret });
    expect((await rawRequest(server, '/health')).status).toBe(200);
    const token = await mintToken(secret, { sub: 'a', scope: 'transport:*:read', ttlSeconds: 60 });
    const headers = { Authorization: `Bearer ${token}` };
    // Until this client reads again it cannot answer its 1012, so the drain goes on.
    const client = await connectTestClient(wsOrigin(server, '/ws/transport/clock'), { headers });
    client.ws.pause();
    // Runs after Liveline's listener, which has admitted the upgrade and started the token check.
    const stopped: Promise<void>[] = [];
    host.on('upgrade', () => {
      stopped.push(server.liveline.stop());
    });

    const refused = await rawRequest(server, '/ws/transport/clock', { upgrade: true, headers });
    expect(refused.status).toBe(503);
    expect(refused.json).toMatchObject({ error: { code: 'unavailable' } });
    const resumedAt = performance.now();
    client.ws.resume();
    await Promise.all(stopped);
    expect(stopped).toHaveLength(1);
    expect(performance.now() - resumedAt).toBeLessThan(DRAIN_TIMEOUT_MS);
  });

  it('K4 the 1012 asks clients to return over a window sized to how many sockets were open', async () => {
    const server = await startTestServer({ restartReconnectsPerSecond: 2 });
    const clients = await Promise.all(
      [1, 2, 3].map(() => connectTestClient(wsOrigin(server, '/ws/connect'))),
    );
    const stopped = server.stop();
    const closes = await Promise.all(clients.map((client) => client.closed));
    await stopped;
    for (const close of closes) {
      expect(close.code).toBe(CloseCode.ServiceRestart);
      expect(restartSpreadMs(close.reason)).toBe(1500);
    }
  });
});
