import { CloseCode } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { tickRate, ticksBetween } from '../test-utils/clockTicks.js';
import {
  connectTestClient,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';
import { report } from './seededRandom.js';

describe('overload', () => {
  it('L4 F12 clients sending as fast as they can are closed with 4429 without slowing a bystander', async () => {
    // The server runs in its own process, as in production: in this one the flooders' sending
    // (2,000 frames per turn) shared its event loop, and on a loaded machine delayed its clock.
    const server = await spawnServer(tempDataDir());
    const bystander = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    await bystander.next((m) => 'playing' in m);
    const FLOOD_MS = 2_000;
    const floodStart = Date.now();
    const codes: number[] = [];
    let sent = 0;
    // 10 flooders, each reconnecting and flooding again until the window ends.
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (Date.now() - floodStart < FLOOD_MS) {
          const flooder = await connectTestClient(wsOrigin(server, '/ws/transport'));
          let open = true;
          void flooder.closed.then(({ code }) => {
            open = false;
            codes.push(code);
          });
          while (open && flooder.ws.readyState === flooder.ws.OPEN) {
            for (let i = 0; i < 200; i += 1) flooder.send({ type: 'time_sync', id: i, t0: i });
            sent += 200;
            await new Promise((resolve) => setImmediate(resolve));
          }
          await flooder.closed;
        }
      }),
    );
    const floodEnd = Date.now();
    // The clock's rate during the flood by the server's own timestamps, every tick received.
    const ticks = await ticksBetween(bystander, floodStart, floodEnd);
    const rate = tickRate(ticks);
    expect(codes.length).toBeGreaterThan(10);
    expect(new Set(codes)).toEqual(new Set([CloseCode.TooManyRequests]));
    expect(rate).toBeGreaterThan(30 * 0.85);
    report('L4', {
      flooders: 10,
      flood_messages: sent,
      closes_4429: codes.length,
      other_closes: codes.filter((c) => c !== CloseCode.TooManyRequests).length,
      bystander_tick_hz: rate.toFixed(1),
      nominal_hz: 30,
    });
  }, 30_000);

  it('L5 F13 per-IP and total connection caps answer 503 JSON at the handshake and free their slots on close', async () => {
    const server = await startTestServer({ maxConnections: 6, maxConnectionsPerIp: 3 });
    const open = (localAddress: string) =>
      connectTestClient(wsOrigin(server, '/ws/coordinator'), { localAddress });
    const upgrade = (localAddress: string) =>
      rawRequest(server, '/ws/coordinator', { upgrade: true, localAddress });
    const first = await Promise.all([open('127.0.0.1'), open('127.0.0.1'), open('127.0.0.1')]);
    const perIp = await upgrade('127.0.0.1');
    expect(perIp.status).toBe(503);
    expect(perIp.headers['retry-after']).toBe('1');
    expect(perIp.json).toMatchObject({ error: { code: 'unavailable' }, scope: 'ip', limit: 3 });
    await Promise.all([open('127.0.0.2'), open('127.0.0.2'), open('127.0.0.2')]);
    const total = await upgrade('127.0.0.3');
    expect(total.status).toBe(503);
    expect(total.json).toMatchObject({ error: { code: 'unavailable' }, scope: 'total', limit: 6 });
    expect((await rawRequest(server, '/health')).status).toBe(200);
    first[0]?.ws.close();
    await vi.waitFor(async () => expect((await upgrade('127.0.0.3')).status).toBe(101));
    // The closed socket's address has its slot back too.
    first[1]?.ws.close();
    await vi.waitFor(async () => expect((await upgrade('127.0.0.1')).status).toBe(101));
    report('L5', {
      max_connections: 6,
      max_per_ip: 3,
      refused_per_ip: 1,
      refused_total: 1,
      status: 503,
      slot_freed_on_close: 1,
    });
  });
});
