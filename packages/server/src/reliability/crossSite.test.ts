import { httpErrorSchema, parse } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { rawRequest, startTestServer, tempDataDir } from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { rawHttp } from './rawHttp.js';
import { report } from './seededRandom.js';

const EVIL = 'http://evil.example';
const errorOf = (json: Record<string, unknown> | null): { field: string; message: string } =>
  json?.error as { field: string; message: string };

describe('cross-site requests, DNS rebinding and logged URLs', () => {
  it('O2 a POST from a foreign Origin is 403 and a body without Content-Type 415, changing nothing', async () => {
    const server = await startTestServer();
    const play = { type: 'play' };
    const cases: [string, Promise<{ status: number; json: Record<string, unknown> | null }>][] = [
      [
        'foreign Origin, application/json',
        rawRequest(server, '/api/transport', { body: play, headers: { Origin: EVIL } }),
      ],
      [
        'untyped Blob (no Content-Type)',
        rawHttp(
          server.origin,
          `POST /api/transport HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${server.origin}\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{"type":"play"}`,
        ),
      ],
      [
        'body-less cancel from a foreign Origin',
        rawRequest(server, '/api/workflows/w1/cancel', {
          method: 'POST',
          headers: { Origin: EVIL },
        }),
      ],
      [
        'Origin null (sandboxed frame)',
        rawRequest(server, '/api/boards/b1/ops', {
          body: { type: 'card.create', op_id: 'x', column_id: 'backlog', title: 't' },
          headers: { Origin: 'null' },
        }),
      ],
    ];
    const statuses: number[] = [];
    for (const [what, pending] of cases) {
      const answer = await pending;
      statuses.push(answer.status);
      expect(parse(httpErrorSchema, answer.json).ok, what).toBe(true);
      expect(errorOf(answer.json).field, what).toBe(
        answer.status === 415 ? 'content-type' : 'origin',
      );
    }
    expect(statuses).toEqual([403, 415, 403, 403]);
    expect(errorOf((await cases[0]![1]).json).message).toContain('ALLOWED_ORIGINS');
    const transport = (await rawRequest(server, '/api/transport')).json;
    const board = (await rawRequest(server, '/api/boards/b1')).json;
    expect(transport).toMatchObject({ state: { playing: false } });
    expect(board).toMatchObject({ board: { cards: [] } });

    // curl (no Origin), the server's own page and a read from anywhere still work.
    expect((await rawRequest(server, '/api/transport', { body: play })).status).toBe(200);
    const ownPage = await rawRequest(server, '/api/transport', {
      body: { type: 'pause' },
      headers: { Origin: server.origin },
    });
    expect(ownPage.status).toBe(200);
    expect((await rawRequest(server, '/api/transport', { headers: { Origin: EVIL } })).status).toBe(
      200,
    );
    report('O2', {
      cases: cases.length,
      statuses: statuses.join('/'),
      playing_after: String((transport?.state as { playing: boolean }).playing),
      cards_after: (board?.board as { cards: unknown[] }).cards.length,
    });
  });

  it('O1 O2 an allowed origin ending in :* allows every port of that host, and only that host, on upgrades and POSTs', async () => {
    const server = await startTestServer({ allowedOrigins: ['http://127.0.0.1:*'] });
    const pause = { type: 'pause' };
    const statusesFrom = async (origin: string) => [
      (await rawRequest(server, '/api/transport', { body: pause, headers: { Origin: origin } }))
        .status,
      (await rawRequest(server, '/ws/transport', { upgrade: true, headers: { Origin: origin } }))
        .status,
    ];
    for (const origin of ['http://127.0.0.1:5999', 'http://127.0.0.1'])
      expect(await statusesFrom(origin), origin).toEqual([200, 101]);
    for (const origin of [
      'http://localhost:5999',
      'https://127.0.0.1:5999',
      'http://127.0.0.1:5999.evil.example',
      'http://127.0.0.10:5999',
    ])
      expect(await statusesFrom(origin), origin).toEqual([403, 403]);
  });

  it("O6 a read another site's page makes the browser send (Sec-Fetch-Site: cross-site, not a top-level navigation) is 403, a frame's navigation too; a link followed, a same-site read, an allowed origin's read and curl pass, and an upgrade is judged by its Origin alone", async () => {
    const server = await startTestServer({ allowedOrigins: ['http://127.0.0.1:5999'] });
    const read = (headers: Record<string, string>) =>
      rawRequest(server, '/api/workflows', { headers });
    const img = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'no-cors' };

    const refused = await read(img);
    expect(refused.status).toBe(403);
    expect(errorOf(refused.json)).toMatchObject({ field: 'origin' });
    expect(errorOf(refused.json).message).toContain('Sec-Fetch-Site: cross-site');
    expect((await read({ ...img, Origin: EVIL, 'Sec-Fetch-Mode': 'cors' })).status).toBe(403);
    const framed = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate' };
    expect((await read({ ...framed, 'Sec-Fetch-Dest': 'iframe' })).status).toBe(403);

    const passing: Record<string, string>[] = [
      {
        'Sec-Fetch-Site': 'cross-site',
        'Sec-Fetch-Mode': 'navigate',
        'Sec-Fetch-Dest': 'document',
      },
      { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors' },
      { 'Sec-Fetch-Site': 'same-origin', 'Sec-Fetch-Mode': 'cors' },
      { 'Sec-Fetch-Site': 'none', 'Sec-Fetch-Mode': 'navigate' },
      { ...img, 'Sec-Fetch-Mode': 'cors', Origin: 'http://127.0.0.1:5999' },
      {},
    ];
    for (const headers of passing)
      expect((await read(headers)).status, JSON.stringify(headers)).toBe(200);

    const upgrade = (origin: string) =>
      rawRequest(server, '/ws/transport', {
        upgrade: true,
        headers: { Origin: origin, 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'websocket' },
      });
    expect((await upgrade('http://127.0.0.1:5999')).status).toBe(101);
    expect((await upgrade(EVIL)).status).toBe(403);
  });

  it('O3 a foreign Host is refused with 403 naming ALLOWED_HOSTS on HTTP and upgrades; loopback names and IPs pass', async () => {
    const server = await startTestServer();
    const rebound = await rawRequest(server, '/health', {
      headers: { Host: 'rebind.evil.example' },
    });
    expect(rebound.status).toBe(403);
    expect(errorOf(rebound.json)).toMatchObject({ field: 'host' });
    expect(errorOf(rebound.json).message).toContain('ALLOWED_HOSTS');
    const upgrade = await rawRequest(server, '/ws/transport/clock', {
      upgrade: true,
      headers: { Host: `rebind.evil.example:${server.port}` },
    });
    expect(upgrade.status).toBe(403);
    expect(parse(httpErrorSchema, upgrade.json).ok).toBe(true);
    const post = await rawRequest(server, '/api/transport', {
      body: { type: 'play' },
      headers: { Host: 'rebind.evil.example' },
    });
    expect(post.status).toBe(403);
    expect((await rawRequest(server, '/api/transport')).json).toMatchObject({
      state: { playing: false },
    });

    const allowed = [
      'localhost',
      `localhost:${server.port}`,
      '127.0.0.1:1',
      '[::1]:8000',
      'app.localhost',
      '10.1.2.3',
      'LOCALHOST.',
    ];
    for (const host of allowed) {
      expect((await rawRequest(server, '/health', { headers: { Host: host } })).status, host).toBe(
        200,
      );
      expect(
        (
          await rawRequest(server, '/ws/transport/clock', {
            upgrade: true,
            headers: { Host: host },
          })
        ).status,
        host,
      ).toBe(101);
    }
    // Names that only start like an allowed one (what follows the address is no port), and an
    // address without its closing bracket.
    for (const host of ['[::1]rebind.evil.example', '[::a', 'localhost.rebind.evil.example'])
      expect((await rawRequest(server, '/health', { headers: { Host: host } })).status, host).toBe(
        403,
      );
    report('O3', {
      refused: [rebound, upgrade, post].map((r) => r.status).join('/'),
      allowed_hosts: allowed.length,
    });
  });

  it('O3 a request without Host (HTTP/1.0) passes, and a foreign Host is refused for its Host before its Origin is read', async () => {
    const server = await startTestServer();
    expect((await rawHttp(server.origin, 'GET /health HTTP/1.0\r\n\r\n')).status).toBe(200);
    const rebound = await rawRequest(server, '/api/transport', {
      body: { type: 'play' },
      headers: { Host: 'rebind.evil.example', Origin: EVIL },
    });
    expect([rebound.status, errorOf(rebound.json).field]).toEqual([403, 'host']);
  });

  it('O3 ALLOWED_HOSTS adds names and subdomains; * turns the check off', async () => {
    const proxied = await startTestServer({
      allowedHosts: ['live.example.com', '.team.example'],
      insecureNoAuth: true,
    });
    for (const [host, status] of [
      ['live.example.com', 200],
      ['live.example.com:443', 200],
      ['a.team.example', 200],
      ['team.example', 200],
      ['example.com', 403],
      ['evilteam.example', 403],
    ] as const)
      expect((await rawRequest(proxied, '/health', { headers: { Host: host } })).status, host).toBe(
        status,
      );
    const open = await startTestServer({ allowedHosts: ['*'], insecureNoAuth: true });
    expect(
      (await rawRequest(open, '/health', { headers: { Host: 'anything.example' } })).status,
    ).toBe(200);
  });

  it('O4 refused requests are logged with parameter names, never secret query values', async () => {
    const child = await spawnServer(tempDataDir());
    await rawRequest(child, '/ws/connect?board_id=b1&token=s3cret-upgrade&seq=2&epoch=e1', {
      upgrade: true,
      headers: { Origin: EVIL },
    });
    await rawRequest(child, '/api/transport?api_key=s3cret-post', {
      body: { type: 'play' },
      headers: { Origin: EVIL },
    });
    // An absolute-form target (RFC 9112 §3.2.2) may carry credentials before its host.
    await rawHttp(
      child.origin,
      `POST http://alice:s3cret-userinfo@127.0.0.1/api/boards/b1/ops HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${EVIL}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
    );
    await expect
      .poll(() => child.output(), { timeout: 5_000, interval: 20 })
      .toContain('/api/transport?api_key=[redacted]');
    const output = child.output();
    expect(output).toContain('/ws/connect?board_id=b1&token=[redacted]&seq=2&epoch=e1');
    await expect.poll(() => child.output()).toContain('"path":"/api/boards/b1/ops"');
    expect(output).not.toContain('s3cret');
    report('O4', {
      refusals_logged: output.split('\n').filter((line) => line.includes('[redacted]')).length,
      secrets_in_log: output.split('s3cret').length - 1,
    });
  });
});
