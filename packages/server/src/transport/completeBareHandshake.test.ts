import { describe, expect, it, vi } from 'vitest';
import { mintToken } from '../auth/mintToken.js';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';

/** The DAW document's curl: `Connection` and `Upgrade`, and neither key nor version. */
const BARE = { Connection: 'Upgrade', Upgrade: 'websocket' } as const;
const CLOCK = '/ws/transport/clock';
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

describe('a hand-written upgrade without key and version', () => {
  it('P3 an upgrade with neither Sec-WebSocket-Key nor -Version, as the DAW document’s curl sends, is completed as version 13: 101, an Accept for a key the server drew, and the clock’s state', async () => {
    const server = await startTestServer();
    const first = await rawRequest(server, CLOCK, { headers: BARE });
    const second = await rawRequest(server, CLOCK, { headers: BARE });
    expect(first.status).toBe(101);
    expect(first.headers['sec-websocket-accept']).toMatch(/^[+/0-9A-Za-z]{27}=$/);
    expect(first.headers['sec-websocket-accept']).not.toBe(second.headers['sec-websocket-accept']);
    expect(first.json).toMatchObject({ playing: false, time_seconds: 0, bpm: 120 });
  });

  it('P3 an upgrade with only one of Sec-WebSocket-Key and -Version is refused as before: 400 without the key, 426 without the version', async () => {
    const server = await startTestServer();
    const noKey = await rawRequest(server, CLOCK, {
      headers: { ...BARE, 'Sec-WebSocket-Version': '13' },
    });
    expect([noKey.status, noKey.json]).toMatchObject([
      400,
      { error: { field: 'sec-websocket-key' } },
    ]);
    const noVersion = await rawRequest(server, CLOCK, {
      headers: { ...BARE, 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' },
    });
    expect([noVersion.status, noVersion.json]).toMatchObject([
      426,
      { error: { field: 'sec-websocket-version' } },
    ]);
  });

  it('P3 O1 O3 A2 a bare upgrade meets the same Host, Origin and token checks as a full one', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const bare = (headers: Record<string, string>) =>
      rawRequest(server, CLOCK, { headers: { ...BARE, ...headers } });
    expect((await bare({ Host: 'evil.example' })).json).toMatchObject({ error: { field: 'host' } });
    expect((await bare({ Origin: 'http://evil.example' })).json).toMatchObject({
      error: { field: 'origin' },
    });
    expect((await bare({})).status).toBe(401);
    const token = await mintToken(SECRET, { sub: 'a', scope: 'transport:*:read', ttlSeconds: 60 });
    expect((await bare({ Authorization: `Bearer ${token}` })).status).toBe(101);
  });

  it('L5 a bare upgrade takes a connection slot and gives it back when its socket closes, like a full one', async () => {
    const server = await startTestServer({ maxConnectionsPerIp: 1 });
    expect((await rawRequest(server, CLOCK, { headers: BARE })).status).toBe(101);
    // rawRequest closed that socket after the first frame; its slot is free once the server sees it.
    await vi.waitFor(async () =>
      expect((await rawRequest(server, CLOCK, { headers: BARE })).status).toBe(101),
    );
    const holder = await connectTestClient(wsOrigin(server, CLOCK));
    await holder.next((m) => m.playing === false);
    expect((await rawRequest(server, CLOCK, { headers: BARE })).status).toBe(503);
  });
});
