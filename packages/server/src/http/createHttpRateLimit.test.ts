import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/mintToken.js';
import type { LogFields } from '../log/createLogger.js';
import { rawHttp } from '../reliability/rawHttp.js';
import { createTestClock } from '../test-utils/createTestClock.js';
import { rawRequest, startTestServer } from '../test-utils/index.js';
import { HTTP_RATE_MAX_CLIENTS, HTTP_RATE_WINDOW_MS } from './createHttpRateLimit.js';

const SECRET = 'http-rate-limit-test-secret-32-bytes!';

/** A server whose `warn` lines the test reads. */
const startLoggedServer = async (options: Parameters<typeof startTestServer>[0]) => {
  const warnings: { event: string; fields: LogFields }[] = [];
  const quiet = () => undefined;
  const logger = {
    debug: quiet,
    info: quiet,
    error: quiet,
    warn: (event: string, fields: LogFields = {}) => warnings.push({ event, fields }),
  };
  const server = await startTestServer({ ...options, logger });
  const limited = () =>
    warnings.filter((w) => w.event === 'http.bad_request' && w.fields.code === 'rate_limited');
  return { server, warnings, limited };
};

const statusesOf = async (requests: Promise<{ status: number }>[]): Promise<number[]> =>
  (await Promise.all(requests)).map((r) => r.status);

describe('HTTP rate limit', () => {
  it('L7 a client over its limit gets 429 rate_limited with Retry-After, logged once per window; /health and other clients are not limited', async () => {
    const clock = createTestClock();
    const { server, limited } = await startLoggedServer({ httpRateLimit: 3, now: clock.now });
    const get = (path: string, localAddress = '127.0.0.1') =>
      rawRequest(server, path, { localAddress });

    expect(await statusesOf([1, 2, 3].map(() => get('/api/routes')))).toEqual([200, 200, 200]);
    const refused = await get('/api/workflows');
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(HTTP_RATE_WINDOW_MS / 1000);
    expect(refused.json).toEqual({
      error: {
        code: 'rate_limited',
        message: `more than 3 requests in 10 s from this client; retry in ${retryAfter} s`,
        field: null,
      },
    });
    expect((await rawRequest(server, '/api/boards/b/ops', { body: {} })).status).toBe(429);
    expect((await get('/health')).status).toBe(200);
    expect((await get('/api/routes', '127.0.0.2')).status).toBe(200);
    expect(limited().map((w) => w.fields)).toEqual([
      {
        method: 'GET',
        path: '/api/workflows',
        ip: '127.0.0.1',
        status: 429,
        code: 'rate_limited',
        field: null,
      },
    ]);

    clock.skip(HTTP_RATE_WINDOW_MS);
    expect(await statusesOf([1, 2, 3, 4].map(() => get('/api/routes')))).toEqual([
      200, 200, 200, 429,
    ]);
    expect(limited()).toHaveLength(2);
  });

  it("L7 A7 with auth on a client is a verified token's subject at its address: people behind one address are counted apart, and a holder of a shared token does not spend another's allowance; a token auth never verified counts against the address (the limit verifies none); no token is logged", async () => {
    const { server, warnings, limited } = await startLoggedServer({
      httpRateLimit: 2,
      authSecret: SECRET,
    });
    const token = (sub: string) =>
      mintToken(SECRET, { sub, scope: 'transport:*:read', ttlSeconds: 60 });
    const [alice, bob, carol] = await Promise.all([token('alice'), token('bob'), token('carol')]);
    const get = (localAddress: string, bearer?: string) =>
      rawRequest(server, '/api/transport', {
        headers: bearer === undefined ? {} : { Authorization: `Bearer ${bearer}` },
        localAddress,
      });

    // A token's first request counts against its address, where auth verifies it; then it counts
    // as its subject at that address.
    const alone = [
      await get('127.0.0.1', alice),
      await get('127.0.0.1', alice),
      await get('127.0.0.1', alice),
      await get('127.0.0.1', alice),
    ];
    expect(alone.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    // Another person behind the same address, and the same token at another address, go on.
    expect([(await get('127.0.0.1', bob)).status, (await get('127.0.0.1', bob)).status]).toEqual([
      200, 200,
    ]);
    expect([
      (await get('127.0.0.2', alice)).status,
      (await get('127.0.0.2', alice)).status,
    ]).toEqual([200, 200]);
    expect(limited().map((w) => w.fields)).toEqual([
      expect.objectContaining({ ip: '127.0.0.1', sub: 'alice', status: 429 }),
    ]);

    expect([(await get('127.0.0.5')).status, (await get('127.0.0.5')).status]).toEqual([401, 401]);
    expect((await get('127.0.0.5', carol)).status).toBe(429);
    expect(JSON.stringify(warnings)).not.toContain(alice);
  });

  it("L7 O1 O3 another site's page in the user's browser cannot spend the user's allowance: its requests (Sec-Fetch-Site: cross-site, a foreign Host or Origin) are counted apart at the address, and a flood of them is limited too", async () => {
    const { server, limited } = await startLoggedServer({ httpRateLimit: 3 });
    const user = () =>
      rawRequest(server, '/api/routes', { headers: { 'Sec-Fetch-Site': 'same-origin' } });
    // What a page elsewhere makes the browser send: a link followed (served, O6), an <img>
    // (refused, O6), a rebinding page, a form post.
    const followed = () =>
      rawRequest(server, '/api/workflows', {
        headers: {
          'Sec-Fetch-Site': 'cross-site',
          'Sec-Fetch-Mode': 'navigate',
          'Sec-Fetch-Dest': 'document',
        },
      });
    const img = () =>
      rawRequest(server, '/api/workflows', {
        headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Dest': 'image' },
      });
    const rebound = () =>
      rawRequest(server, '/api/workflows', { headers: { Host: 'rebound.example' } });
    const posted = () =>
      rawRequest(server, '/api/workflows/w/cancel', {
        method: 'POST',
        headers: { Origin: 'https://elsewhere.example' },
      });

    expect([
      (await followed()).status,
      (await rebound()).status,
      (await posted()).status,
      (await img()).status,
      (await rebound()).status,
    ]).toEqual([200, 403, 403, 429, 429]);
    expect(await statusesOf([user(), user(), user()])).toEqual([200, 200, 200]);
    expect((await user()).status).toBe(429);
    expect(limited().map((w) => w.fields)).toEqual([
      expect.objectContaining({ path: '/api/workflows', ip: '127.0.0.1', cross_site: true }),
      expect.not.objectContaining({ cross_site: expect.anything() as unknown }),
    ]);
  });

  it('L7 L6 an IPv6 client counts by its /64: a host rotating through the addresses of its /64 shares one window, another /64 has its own, and an IPv4-mapped address counts as its IPv4 address', async () => {
    const { server } = await startLoggedServer({
      host: '::1',
      httpRateLimit: 2,
      trustedProxies: ['::1'],
      insecureNoAuth: true,
    });
    const from = (client?: string) =>
      rawRequest(server, '/api/routes', {
        headers: client === undefined ? {} : { 'X-Forwarded-For': client },
        localAddress: '::1',
      });

    expect(await statusesOf([from('2001:db8:0:7::1'), from('2001:db8:0:7:ffff::2')])).toEqual([
      200, 200,
    ]);
    expect((await from('2001:DB8:0:7:a:b:c:d')).status).toBe(429);
    expect((await from('2001:db8:0:8::1')).status).toBe(200);
    expect(await statusesOf([from('10.0.0.1'), from('::ffff:a00:1')])).toEqual([200, 200]);
    expect((await from('::ffff:10.0.0.1')).status).toBe(429);
    // The proxy itself, a real IPv6 peer, is a client too.
    expect(await statusesOf([from(), from(), from()])).toEqual([200, 200, 429]);
  });

  it('L7 L6 behind a trusted proxy each forwarded client has its own limit, and past HTTP_RATE_MAX_CLIENTS clients the oldest window is forgotten', async () => {
    const clock = createTestClock();
    const { server } = await startLoggedServer({
      httpRateLimit: 1,
      trustedProxies: ['127.0.0.1'],
      insecureNoAuth: true,
      now: clock.now,
    });
    const from = (client: string) =>
      rawRequest(server, '/api/routes', { headers: { 'X-Forwarded-For': client } });

    expect(await statusesOf([from('10.0.0.1'), from('10.0.0.2')])).toEqual([200, 200]);
    expect((await from('10.0.0.1')).status).toBe(429);
    const others = Array.from(
      { length: HTTP_RATE_MAX_CLIENTS },
      (_, i) => `10.1.${Math.floor(i / 256)}.${i % 256}`,
    );
    for (let at = 0; at < others.length; at += 500)
      expect(new Set(await statusesOf(others.slice(at, at + 500).map(from)))).toEqual(
        new Set([200]),
      );
    expect((await from('10.0.0.1')).status).toBe(200);
  });

  it('L7 O3 a /health with a Host the server does not accept is counted like any refused request: a flood gets 429, with one log line per window', async () => {
    const { server, warnings, limited } = await startLoggedServer({ httpRateLimit: 3 });
    const rebound = () => rawRequest(server, '/health', { headers: { Host: 'evil.example' } });
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push((await rebound()).status);
    expect(statuses).toEqual([403, 403, 403, 429, 429]);
    expect(warnings.filter((w) => w.event === 'http.refused')).toHaveLength(3);
    expect(limited()).toHaveLength(1);
    expect((await rawRequest(server, '/health')).status).toBe(200);
  });

  it('L7 O3 a request whose target is neither a path nor a URL is checked for its Host and counted before its 400', async () => {
    const { server, limited } = await startLoggedServer({ httpRateLimit: 3 });
    const badTarget = (host: string) =>
      rawHttp(
        server.origin,
        `GET http://[::1 HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      );
    const rebound = await badTarget('evil.example');
    expect([rebound.status, rebound.json]).toMatchObject([403, { error: { field: 'host' } }]);
    const host = new URL(server.origin).host;
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await badTarget(host)).status);
    expect(statuses).toEqual([400, 400, 400, 429]);
    expect(limited()).toHaveLength(1);
  });
});
