import { describe, expect, it } from 'vitest';
import { mintToken } from '../auth/mintToken.js';
import type { LogFields } from '../log/createLogger.js';
import { rawRequest, startTestServer, type RawResponse } from '../test-utils/index.js';
import { CORS_MAX_AGE_S } from './checkPreflight.js';

const SECRET = 'cors-test-secret-of-at-least-32-bytes';
const APP = 'https://app.example.com';
const EVIL = 'https://evil.example';

/** A server with auth on, allowing `APP`, whose `http.refused` lines the test reads. */
const startCorsServer = async (options: Parameters<typeof startTestServer>[0] = {}) => {
  const refusals: LogFields[] = [];
  const quiet = () => undefined;
  const logger = {
    debug: quiet,
    info: quiet,
    error: quiet,
    warn: (event: string, fields: LogFields = {}) => {
      if (event === 'http.refused') refusals.push(fields);
    },
  };
  const server = await startTestServer({
    allowedOrigins: [APP],
    authSecret: SECRET,
    logger,
    ...options,
  });
  const reader = await mintToken(SECRET, { sub: 'r', scope: 'board:*:read', ttlSeconds: 60 });
  const writer = await mintToken(SECRET, { sub: 'w', scope: 'board:*:write', ttlSeconds: 60 });
  return { server, refusals, reader, writer };
};

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

/** The CORS headers of an answer, by lower-case name. */
const corsOf = (res: RawResponse) => ({
  status: res.status,
  allowOrigin: res.headers['access-control-allow-origin'],
  vary: res.headers.vary,
  expose: res.headers['access-control-expose-headers'],
});

const preflight = (
  server: { origin: string },
  path: string,
  origin: string,
  method: string,
  headers = 'authorization,content-type',
) =>
  rawRequest(server, path, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      ...(headers && { 'Access-Control-Request-Headers': headers }),
    },
  });

describe('CORS for allowed origins on other sites', () => {
  it('O7 an allowed origin may read every answer, a 200 and each error (400, 401, 403, 404, 429): its origin, Vary: Origin and the exposed headers', async () => {
    const { server, reader, writer } = await startCorsServer();
    const from = { Origin: APP };
    const answers = [
      await rawRequest(server, '/api/boards/b1', { headers: { ...from, ...bearer(reader) } }),
      await rawRequest(server, '/api/boards/b1/ops', {
        body: { type: 'card.create', op_id: 'o1', column_id: 'backlog', title: '' },
        headers: { ...from, ...bearer(writer) },
      }),
      await rawRequest(server, '/api/boards/b1', { headers: from }),
      await rawRequest(server, '/api/boards/b1/ops', {
        body: { type: 'card.create', op_id: 'o2', column_id: 'backlog', title: 't' },
        headers: { ...from, ...bearer(reader) },
      }),
      await rawRequest(server, '/api/nothing', { headers: from }),
    ];
    const { server: strict } = await startCorsServer({ httpRateLimit: 1 });
    await rawRequest(strict, '/api/routes');
    const limited = await rawRequest(strict, '/api/routes', { headers: from });
    const expose = 'Retry-After, WWW-Authenticate, Allow, Content-Range, Accept-Ranges';
    expect([...answers, limited].map(corsOf)).toEqual(
      [200, 400, 401, 403, 404, 429].map((status) => ({
        status,
        allowOrigin: APP,
        vary: 'Origin',
        expose,
      })),
    );
    expect(limited.headers['retry-after']).toBeDefined();
    expect(answers[2]?.headers['www-authenticate']).toContain('invalid_token');
  });

  it('O7 O1 an entry http://host:* lets every port of that host read, each named as its own origin', async () => {
    const { server, reader } = await startCorsServer({ allowedOrigins: ['http://localhost:*'] });
    for (const origin of ['http://localhost:5999', 'http://localhost:41234']) {
      const answer = await rawRequest(server, '/api/boards/b1', {
        headers: { Origin: origin, ...bearer(reader) },
      });
      expect(corsOf(answer)).toMatchObject({ status: 200, allowOrigin: origin, vary: 'Origin' });
    }
  });

  it('O7 an origin not on the list, the server’s own and a request without Origin get no CORS headers, only Vary: Origin; never *', async () => {
    const server = await startTestServer();
    const own = server.origin;
    const cases = [
      await rawRequest(server, '/api/transport', { headers: { Origin: EVIL } }),
      await rawRequest(server, '/api/transport', {
        body: { type: 'play' },
        headers: { Origin: EVIL },
      }),
      await rawRequest(server, '/api/transport', { headers: { Origin: own } }),
      await rawRequest(server, '/api/nothing', { headers: { Origin: own } }),
      await rawRequest(server, '/api/transport'),
    ];
    expect(cases.map(corsOf)).toEqual(
      [200, 403, 200, 404, 200].map((status) => ({
        status,
        allowOrigin: undefined,
        vary: 'Origin',
        expose: undefined,
      })),
    );
    // The app's own page under its other loopback name is another origin, allowed by default.
    const other = own.replace('127.0.0.1', 'localhost');
    const read = await rawRequest(server, '/api/transport', { headers: { Origin: other } });
    expect(corsOf(read)).toMatchObject({ status: 200, allowOrigin: other });
  });

  it('O7 a preflight from an allowed origin for a method the path serves, asking only for headers the API reads, is 204 with the methods, headers and max age', async () => {
    const { server, refusals } = await startCorsServer();
    const post = await preflight(server, '/api/boards/b1/ops', APP, 'POST');
    expect(post.status).toBe(204);
    expect(post.headers).toMatchObject({
      'access-control-allow-origin': APP,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'Authorization, Content-Type, Range',
      'access-control-max-age': String(CORS_MAX_AGE_S),
      vary: 'Origin',
    });
    const video = await preflight(
      server,
      '/api/workflows/w1/video',
      APP,
      'GET',
      'Range, Authorization',
    );
    expect(video.status).toBe(204);
    expect(video.headers['access-control-allow-methods']).toBe('GET, HEAD');
    expect(refusals).toEqual([]);
  });

  it('O7 O1 a preflight from an origin not on the list, for a method the path does not serve or naming a header the API does not read is 403 naming the field, logged once each', async () => {
    const { server, refusals } = await startCorsServer();
    const refused = [
      await preflight(server, '/api/boards/b1/ops', EVIL, 'POST'),
      await preflight(server, '/api/boards/b1/ops', APP, 'PUT'),
      await preflight(server, '/api/boards/b1/ops', APP, 'POST', 'authorization,x-secret'),
      await preflight(server, '/ws/transport', APP, 'GET'),
    ];
    const fields = [
      'origin',
      'access-control-request-method',
      'access-control-request-headers',
      'access-control-request-method',
    ];
    expect(refused.map((r) => [r.status, (r.json?.error as { field: string }).field])).toEqual(
      fields.map((field) => [403, field]),
    );
    expect(refused.map((r) => (r.json?.error as { message: string }).message)).toEqual([
      `origin ${EVIL} is not allowed; add it to ALLOWED_ORIGINS (--allowed-origins)`,
      'PUT is not served at /api/boards/b1/ops; allowed: POST',
      'request header x-secret is not read by the API; allowed: Authorization, Content-Type, Range',
      '/ws/transport is a WebSocket route; connect with a WebSocket client',
    ]);
    expect(refused.map((r) => r.headers['access-control-allow-methods'])).toEqual(
      fields.map(() => undefined),
    );
    expect(refusals.map((r) => [r.method, r.field])).toEqual(
      fields.map((field) => ['OPTIONS', field]),
    );
  });

  it('O7 a preflight to a path that is no route gets the API’s 404', async () => {
    const { server } = await startCorsServer();
    const answer = await preflight(server, '/api/nothing', APP, 'POST');
    const get = await rawRequest(server, '/api/nothing', { headers: { Origin: APP } });
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({
      ...get.json,
      error: { ...(get.json?.error as object), message: 'nothing at OPTIONS /api/nothing' },
    });
    expect(answer.headers['access-control-allow-origin']).toBe(APP);
  });

  it('O7 L7 preflights count in the HTTP rate limit: an allowed one with the page’s requests, one refused for its origin with other sites’ requests at the address', async () => {
    const { server, reader } = await startCorsServer({ httpRateLimit: 2 });
    const foreign = () => preflight(server, '/api/boards/b1/ops', EVIL, 'POST');
    expect([(await foreign()).status, (await foreign()).status, (await foreign()).status]).toEqual([
      403, 403, 429,
    ]);
    const read = () =>
      rawRequest(server, '/api/boards/b1', { headers: { Origin: APP, ...bearer(reader) } });
    expect((await preflight(server, '/api/boards/b1', APP, 'GET')).status).toBe(204);
    expect((await read()).status).toBe(200);
    expect((await preflight(server, '/api/boards/b1', APP, 'GET')).status).toBe(429);
  });

  it('O7 L7 an allowed page on another site counts with the user’s own requests, not with other sites’ pages: another site’s flood does not limit it, and it spends the user’s allowance', async () => {
    const { server, reader } = await startCorsServer({ httpRateLimit: 2 });
    const image = () =>
      rawRequest(server, '/api/boards/b1', {
        headers: { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Dest': 'image' },
      });
    expect([(await image()).status, (await image()).status, (await image()).status]).toEqual([
      403, 403, 429,
    ]);
    const app = () =>
      rawRequest(server, '/api/boards/b1', {
        headers: { Origin: APP, 'Sec-Fetch-Site': 'cross-site', ...bearer(reader) },
      });
    const own = () => rawRequest(server, '/api/boards/b1', { headers: bearer(reader) });
    // Counted at the address: the token was never verified before (L7 (3)); now it has been.
    expect((await own()).status).toBe(200);
    expect([(await app()).status, (await own()).status, (await own()).status]).toEqual([
      200, 200, 429,
    ]);
  });

  it('O6 O7 a cross-site read from an allowed origin is served with CORS headers; from another origin it is 403 without them', async () => {
    const { server, reader } = await startCorsServer();
    const read = (origin: string) =>
      rawRequest(server, '/api/boards/b1', {
        headers: {
          Origin: origin,
          'Sec-Fetch-Site': 'cross-site',
          'Sec-Fetch-Mode': 'cors',
          ...bearer(reader),
        },
      });
    expect(corsOf(await read(APP))).toMatchObject({ status: 200, allowOrigin: APP });
    expect(corsOf(await read(EVIL))).toMatchObject({ status: 403, allowOrigin: undefined });
  });
});
