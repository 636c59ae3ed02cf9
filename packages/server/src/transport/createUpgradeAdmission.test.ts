import { describe, expect, it } from 'vitest';
import type { LogFields } from '../log/createLogger.js';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';

describe('upgrade admission', () => {
  it('L5 L6 an IPv6 client counts by its /64: a host rotating through the addresses of its /64 shares its connection slots, another /64 has its own, and an IPv4-mapped address counts as its IPv4 address; the refusal is logged with the whole address, spelled canonically', async () => {
    const rejections: LogFields[] = [];
    const quiet = () => undefined;
    const server = await startTestServer({
      host: '::1',
      maxConnectionsPerIp: 2,
      trustedProxies: ['::1'],
      insecureNoAuth: true,
      logger: {
        debug: quiet,
        info: quiet,
        error: quiet,
        warn: (event, fields = {}) => event === 'ws.upgrade_rejected' && rejections.push(fields),
      },
    });
    const via = (client: string) => ({
      localAddress: '::1',
      headers: { 'X-Forwarded-For': client },
    });
    const open = (client: string) =>
      connectTestClient(wsOrigin(server, '/ws/coordinator'), via(client));
    const upgrade = (client: string) =>
      rawRequest(server, '/ws/coordinator', { upgrade: true, ...via(client) });

    await Promise.all([open('2001:db8:0:7::1'), open('2001:db8:0:7:ffff::2')]);
    const rotated = await upgrade('2001:DB8:0:7:a:b:c:d');
    expect([rotated.status, rotated.json]).toMatchObject([
      503,
      {
        scope: 'ip',
        limit: 2,
        error: { message: expect.stringContaining('2001:db8:0:7::/64') as string },
      },
    ]);
    expect(rejections).toEqual([
      expect.objectContaining({ ip: '2001:db8:0:7:a:b:c:d', status: 503 }) as LogFields,
    ]);
    expect((await upgrade('2001:db8:0:8::1')).status).toBe(101);
    await Promise.all([open('10.0.0.1'), open('::ffff:a00:1')]);
    expect((await upgrade('::ffff:10.0.0.1')).status).toBe(503);
  });
});
