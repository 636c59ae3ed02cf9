import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CloseCode, SUBPROTOCOL, healthSchema, parse } from '@liveline/protocol';
import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';
import { AUTH_FAILURES_PER_WINDOW } from './createFailureLimiter.js';
import { mintToken } from './mintToken.js';

const SECRET = 'a-test-secret-of-at-least-32-bytes!!';
const nowS = (): number => Math.floor(Date.now() / 1000);
const key = new TextEncoder().encode(SECRET);
const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/** A token signed by hand with Node's HMAC, no JWT library (rule A2: any standard signer works). */
const hmacToken = (
  claims: Record<string, unknown>,
  header: Record<string, unknown> = { alg: 'HS256', typ: 'JWT' },
): string => {
  const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const body = `${part(header)}.${part(claims)}`;
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
};

const base = (): Record<string, unknown> => ({ sub: 'alice', aud: 'liveline', exp: nowS() + 600 });

describe('signed tokens', () => {
  it('A1 /health says whether auth is on; the route list stays public', async () => {
    const off = await startTestServer();
    expect((await rawRequest(off, '/health')).json).toMatchObject({ auth: 'off' });
    const on = await startTestServer({ authSecret: SECRET });
    const health = await rawRequest(on, '/health');
    expect(health.json).toMatchObject({ auth: 'on' });
    expect(parse(healthSchema, health.json).ok).toBe(true);
    expect((await rawRequest(on, '/api/routes')).status).toBe(200);
  });

  it('A1 the server refuses to start on 0.0.0.0 without a secret, before it opens its storage, unless insecureNoAuth', async () => {
    const dataDir = join(tempDataDir(), 'data');
    await expect(startTestServer({ host: '0.0.0.0', dataDir })).rejects.toThrow(
      /LIVELINE_AUTH_SECRET/,
    );
    expect(existsSync(dataDir)).toBe(false);
    const insecure = await startTestServer({ host: '0.0.0.0', insecureNoAuth: true });
    expect(
      (await rawRequest({ origin: `http://127.0.0.1:${insecure.port}` }, '/health')).status,
    ).toBe(200);
    await expect(startTestServer({ authSecret: 'short' })).rejects.toThrow(/at least 32 bytes/);
  });

  it('A1 without a secret a loopback server is refused behind a trusted proxy or for a non-loopback Host name; loopback names pass', async () => {
    await expect(startTestServer({ trustedProxies: ['127.0.0.1'] })).rejects.toThrow(
      /^trustedProxies: refusing to serve behind a proxy without auth.*LIVELINE_AUTH_SECRET/,
    );
    await expect(startTestServer({ allowedHosts: ['localhost', '*'] })).rejects.toThrow(
      /^allowedHosts: refusing to accept the host \* without auth/,
    );
    const loopbackNames = await startTestServer({
      allowedHosts: ['localhost', '127.0.0.2', '[::1]'],
    });
    expect((await rawRequest(loopbackNames, '/health')).json).toMatchObject({ auth: 'off' });
    const proxied = await startTestServer({ trustedProxies: ['127.0.0.1'], authSecret: SECRET });
    expect((await rawRequest(proxied, '/health')).json).toMatchObject({ auth: 'on' });
  });

  it('A2 a forged, unsigned, other-alg, unknown-extension, expired, not-yet-valid or wrong-audience token gets 401 naming the cause', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const sign = (claims: Record<string, unknown>, alg = 'HS256', secret = key) =>
      new SignJWT(claims).setProtectedHeader({ alg }).sign(secret);
    const cases: [string, string, RegExp][] = [
      [
        'forged signature',
        await sign(base(), 'HS256', new TextEncoder().encode('x'.repeat(40))),
        /signature/,
      ],
      ['alg none', new UnsecuredJWT(base()).encode(), /algorithm/],
      ['alg HS512', await sign(base(), 'HS512'), /algorithm/],
      [
        'an extension it must understand (crit)',
        hmacToken(base(), { alg: 'HS256', crit: ['x-ext'], 'x-ext': 1 }),
        /^token requires a header extension \(crit\) this server does not support$/,
      ],
      ['expired', await sign({ ...base(), exp: nowS() - 120 }), /expired/],
      ['nbf in the future', await sign({ ...base(), nbf: nowS() + 120 }), /not valid yet/],
      ['wrong aud', await sign({ ...base(), aud: 'other' }), /audience/],
      ['no sub', await sign({ aud: 'liveline', exp: nowS() + 60 }), /sub/],
    ];
    for (const [i, [what, token, cause]] of cases.entries()) {
      // One client IP per case, so the failure limit (rule A7) stays out of the way.
      const localAddress = `127.0.1.${i + 1}`;
      const http = await rawRequest(server, '/api/transport', {
        headers: bearer(token),
        localAddress,
      });
      expect(http.status, what).toBe(401);
      expect(http.headers['www-authenticate'], what).toContain('error="invalid_token"');
      expect((http.json?.error as { message: string }).message, what).toMatch(cause);
      const upgrade = await rawRequest(server, '/ws/transport/clock', {
        upgrade: true,
        headers: bearer(token),
        localAddress,
      });
      expect(upgrade.status, what).toBe(401);
    }
    expect((await rawRequest(server, '/api/transport')).status).toBe(401);
  });

  it('A2 a token may be valid for at most 30 days from now, with the issuer’s 30 s of clock skew: 30 days and 20 s is accepted, 30 days and 45 s, 31 days or an exp of 1e300 is refused naming the ceiling', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const sign = (exp: number) =>
      new SignJWT({ ...base(), scope: 'transport:*:read', exp })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(key);
    const answer = async (exp: number) =>
      rawRequest(server, '/api/transport', { headers: bearer(await sign(exp)) });
    expect((await answer(nowS() + 30 * 86_400 + 20)).status).toBe(200);
    for (const exp of [nowS() + 30 * 86_400 + 45, nowS() + 31 * 86_400, 1e300]) {
      const refused = await answer(exp);
      expect(refused.status).toBe(401);
      expect((refused.json?.error as { message: string }).message).toMatch(/more than 30 days/);
    }
  });

  it('A2 nbf gets 30 s of clock-skew tolerance: a token valid from 20 s ahead is accepted, one from 45 s ahead is not', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const read = (nbf: number) =>
      rawRequest(server, '/api/transport', {
        headers: bearer(hmacToken({ ...base(), scope: 'transport:*:read', nbf })),
      });
    expect((await read(nowS() + 20)).status).toBe(200);
    const early = await read(nowS() + 45);
    expect(early.status).toBe(401);
    expect((early.json?.error as { message: string }).message).toMatch(/not valid yet/);
  });

  it('A2 a token from jose, from the mint helper or from Node HMAC is accepted; the subprotocol token is never echoed', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const scope = 'transport:*:read';
    const minted = await mintToken(SECRET, { sub: 'alice', scope, ttlSeconds: 60 });
    const hmac = hmacToken({ ...base(), scope });
    for (const token of [minted, hmac])
      expect((await rawRequest(server, '/api/transport', { headers: bearer(token) })).status).toBe(
        200,
      );
    const browser = await connectTestClient(wsOrigin(server, '/ws/transport/clock'), {
      protocols: [SUBPROTOCOL, `liveline.auth.${hmac}`],
      headers: { Origin: server.origin },
    });
    expect(browser.ws.protocol).toBe(SUBPROTOCOL);
    await browser.next((m) => 'playing' in m);
    const cli = await connectTestClient(wsOrigin(server, '/ws/transport/clock'), {
      headers: bearer(minted),
    });
    await cli.next((m) => 'playing' in m);
  });

  it('A2 a token accepted once is refused as expired after its exp, though the server remembers it', async () => {
    let skipped = 0;
    const server = await startTestServer({ authSecret: SECRET, now: () => Date.now() + skipped });
    const token = await mintToken(SECRET, {
      sub: 'alice',
      scope: 'transport:*:read',
      ttlSeconds: 60,
    });
    const ask = () => rawRequest(server, '/api/transport', { headers: bearer(token) });
    expect((await ask()).status).toBe(200);
    expect((await ask()).status).toBe(200);
    skipped = (60 + 31) * 1000;
    const late = await ask();
    expect(late.status).toBe(401);
    expect((late.json?.error as { message: string }).message).toBe('token expired');
  });

  it('A2 A7 a token is expired from its exp on HTTP and at the upgrade alike, as on an open socket (A8): exp tolerates no skew', async () => {
    let skipped = 0;
    const server = await startTestServer({ authSecret: SECRET, now: () => Date.now() + skipped });
    const token = await mintToken(SECRET, { sub: 'a', scope: 'transport:*:read', ttlSeconds: 60 });
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      exp: number;
    };
    const at = (ms: number) => (skipped = ms - Date.now());
    const ask = () => rawRequest(server, '/api/transport', { headers: bearer(token) });
    const upgrade = () =>
      rawRequest(server, '/ws/transport/clock', { upgrade: true, headers: bearer(token) });

    at(exp * 1000 - 10_000);
    expect((await ask()).status).toBe(200);
    expect((await upgrade()).status).toBe(101);
    at(exp * 1000 + 1_000);
    for (const late of [await ask(), await upgrade()]) {
      expect(late.status).toBe(401);
      expect(late.json).toMatchObject({
        error: { code: 'unauthorized', message: 'token expired' },
      });
    }
  });

  it('A3 a token in the query string is refused with 400 on HTTP and upgrades, auth on or off', async () => {
    for (const server of [await startTestServer(), await startTestServer({ authSecret: SECRET })]) {
      for (const name of ['token', 'access_token', 'jwt']) {
        const http = await rawRequest(server, `/api/transport?${name}=abc`);
        expect(http.status, name).toBe(400);
        expect((http.json?.error as { message: string }).message).toContain(name);
        expect(
          (await rawRequest(server, `/ws/connect?${name}=abc`, { upgrade: true })).status,
        ).toBe(400);
      }
    }
  });

  it('A7 a browser refused at the handshake is accepted and closed with 4401 or 4403 and the cause', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const expired = await mintToken(SECRET, { sub: 'a', scope: 'board:*:read', ttlSeconds: -120 });
    const onlyA = await mintToken(SECRET, { sub: 'a', scope: 'board:A:write', ttlSeconds: 60 });
    const open = (token: string | null, board: string) =>
      connectTestClient(wsOrigin(server, `/ws/connect?board_id=${board}`), {
        protocols: [SUBPROTOCOL, ...(token ? [`liveline.auth.${token}`] : [])],
        headers: { Origin: server.origin },
      });
    expect(await (await open(null, 'A')).closed).toEqual({
      code: CloseCode.Unauthorized,
      reason: 'token missing',
    });
    expect(await (await open(expired, 'A')).closed).toEqual({
      code: CloseCode.Unauthorized,
      reason: 'token expired',
    });
    expect(await (await open(onlyA, 'B')).closed).toEqual({
      code: CloseCode.Forbidden,
      reason: 'token lacks board:B:read',
    });
    const a = await open(onlyA, 'A');
    await a.next('snapshot');
  });

  it('A7 repeated failures from one IP get 429 before any verification; other IPs are unaffected', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const good = await mintToken(SECRET, { sub: 'a', scope: 'transport:*:read', ttlSeconds: 60 });
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_FAILURES_PER_WINDOW; i += 1)
      statuses.push(
        (await rawRequest(server, '/api/transport', { headers: bearer('x.y.z') })).status,
      );
    expect(new Set(statuses)).toEqual(new Set([401]));
    const blocked = await rawRequest(server, '/api/transport', { headers: bearer(good) });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(
      (await rawRequest(server, '/ws/transport/clock', { upgrade: true, headers: bearer(good) }))
        .status,
    ).toBe(429);
    const other = await rawRequest(server, '/api/transport', {
      headers: bearer(good),
      localAddress: '127.0.0.9',
    });
    expect(other.status).toBe(200);
  });

  it('A7 a token verified before its address was blocked still passes there; one not yet verified gets 429 before any verification', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const mint = (sub: string) =>
      mintToken(SECRET, { sub, scope: 'transport:*:read', ttlSeconds: 60 });
    const [signedIn, unseen] = await Promise.all([mint('a'), mint('b')]);
    expect((await rawRequest(server, '/api/transport', { headers: bearer(signedIn) })).status).toBe(
      200,
    );
    for (let i = 0; i < AUTH_FAILURES_PER_WINDOW; i += 1)
      await rawRequest(server, '/api/transport', { headers: bearer('x.y.z') });

    // Twice: a token verified despite the block would be remembered and pass the second time.
    for (let i = 0; i < 2; i += 1)
      expect((await rawRequest(server, '/api/transport', { headers: bearer(unseen) })).status).toBe(
        429,
      );
    expect((await rawRequest(server, '/api/transport', { headers: bearer(signedIn) })).status).toBe(
      200,
    );
    const upgrade = await rawRequest(server, '/ws/transport/clock', {
      upgrade: true,
      headers: bearer(signedIn),
    });
    expect(upgrade.status).toBe(101);
  });

  it('A7 L6 an IPv6 client counts by its /64: a host rotating through the addresses of its /64 shares one failure window, another /64 has its own, and an IPv4-mapped address counts as its IPv4 address', async () => {
    const server = await startTestServer({
      authSecret: SECRET,
      host: '::1',
      trustedProxies: ['::1'],
    });
    const good = await mintToken(SECRET, { sub: 'a', scope: 'transport:*:read', ttlSeconds: 60 });
    const from = (client: string, token = 'x.y.z') =>
      rawRequest(server, '/api/transport', {
        headers: { ...bearer(token), 'X-Forwarded-For': client },
        localAddress: '::1',
      });
    const fail = async (clients: (i: number) => string) =>
      new Set(
        (
          await Promise.all(
            Array.from({ length: AUTH_FAILURES_PER_WINDOW }, (_, i) => from(clients(i))),
          )
        ).map((answer) => answer.status),
      );

    expect(await fail((i) => `2001:db8:0:7::${i + 1}`)).toEqual(new Set([401]));
    const rotated = await from('2001:DB8:0:7:a:b:c:d', good);
    expect([rotated.status, rotated.json]).toMatchObject([
      429,
      { error: { message: expect.stringContaining('2001:db8:0:7::/64') as string } },
    ]);
    expect((await from('2001:db8:0:8::1', good)).status).toBe(200);
    expect(await fail((i) => (i % 2 === 0 ? '10.0.0.1' : '::ffff:a00:1'))).toEqual(new Set([401]));
    // Another token than `good`, which passed once above: a verified token passes a blocked address.
    const unseen = await mintToken(SECRET, { sub: 'b', scope: 'transport:*:read', ttlSeconds: 60 });
    expect((await from('::ffff:10.0.0.1', unseen)).status).toBe(429);
  });

  it('A5 HTTP routes check their permission: 403 without it, public routes need no token', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const viewer = await mintToken(SECRET, {
      sub: 'v',
      scope: 'board:b1:read transport:*:read',
      ttlSeconds: 60,
    });
    expect((await rawRequest(server, '/api/boards/b1', { headers: bearer(viewer) })).status).toBe(
      200,
    );
    const cases: [string, string, unknown][] = [
      [
        'board write',
        '/api/boards/b1/ops',
        { type: 'card.create', op_id: 'o1', column_id: 'backlog', title: 't' },
      ],
      ['transport control', '/api/transport', { type: 'play' }],
      ['other board', '/api/boards/b2', undefined],
      ['workflow start', '/api/workflows', { mode: 'idea', input: 'a robot paints' }],
    ];
    for (const [what, path, body] of cases) {
      const answer = await rawRequest(server, path, { body, headers: bearer(viewer) });
      expect(answer.status, what).toBe(403);
      expect(answer.json, what).toMatchObject({ error: { code: 'forbidden' } });
    }
    expect(
      (await rawRequest(server, '/api/boards/b1', { headers: bearer(viewer) })).json,
    ).toMatchObject({
      board: { cards: [] },
    });
    expect((await rawRequest(server, '/health')).status).toBe(200);
  });
});
