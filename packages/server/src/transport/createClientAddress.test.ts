import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';
import { createClientAddress } from './createClientAddress.js';

/** What the function reads of a request: its TCP peer and its headers. */
const request = (peer: string, forwardedFor?: string): IncomingMessage =>
  ({
    socket: { remoteAddress: peer },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as IncomingMessage;

describe('the client address (rule L6)', () => {
  const addressOf = createClientAddress(['10.0.0.1', '10.0.0.2']);

  it('L6 a peer that is no trusted proxy is the client, whatever X-Forwarded-For says', () => {
    expect(addressOf(request('203.0.113.7', '198.51.100.1'))).toBe('203.0.113.7');
    expect(createClientAddress([])(request('127.0.0.1', '198.51.100.1'))).toBe('127.0.0.1');
  });

  it('L6 behind trusted proxies the client is the rightmost address none of them vouches for', () => {
    expect(addressOf(request('10.0.0.1', '198.51.100.1'))).toBe('198.51.100.1');
    expect(addressOf(request('10.0.0.1', '198.51.100.1, 10.0.0.2'))).toBe('198.51.100.1');
    // The client wrote the leftmost entry itself: believing it would let anyone pick an address.
    expect(addressOf(request('10.0.0.1', '1.2.3.4, 198.51.100.1'))).toBe('198.51.100.1');
    expect(addressOf(request('10.0.0.1'))).toBe('10.0.0.1');
    expect(addressOf(request('10.0.0.1', '10.0.0.2'))).toBe('10.0.0.2');
  });

  it('L6 an IPv4-mapped IPv6 peer or hop is the IPv4 address', () => {
    expect(addressOf(request('::ffff:10.0.0.1', '::ffff:198.51.100.1'))).toBe('198.51.100.1');
    expect(addressOf(request('::ffff:203.0.113.7'))).toBe('203.0.113.7');
  });

  it('L6 the client address has one spelling whatever the socket or a proxy wrote: an IPv6 one compressed in lower case, an IPv4-mapped one in any form as its IPv4 address', () => {
    expect(addressOf(request('2001:0DB8:0:0::A'))).toBe('2001:db8::a');
    expect(addressOf(request('10.0.0.1', '2001:DB8:0:0:0:0:0:7'))).toBe('2001:db8::7');
    expect(addressOf(request('10.0.0.1', '::ffff:c633:6401'))).toBe('198.51.100.1');
  });

  it('L6 a trusted proxy matches however it is written: an IPv6 address in any form or case, an IPv4-mapped one as its IPv4 address', () => {
    const spelled = createClientAddress(['0:0:0:0:0:0:0:1', '::FFFF:10.0.0.1', '2001:DB8::A']);
    expect(spelled(request('::1', '198.51.100.1'))).toBe('198.51.100.1');
    expect(spelled(request('10.0.0.1', '198.51.100.2'))).toBe('198.51.100.2');
    expect(spelled(request('::ffff:10.0.0.1', '198.51.100.3'))).toBe('198.51.100.3');
    expect(spelled(request('2001:db8::a', '198.51.100.4, 2001:0DB8:0:0::a'))).toBe('198.51.100.4');
  });

  it('L6 L5 behind a trusted proxy the per-IP cap counts forwarded clients, and from any other peer the header changes nothing', async () => {
    const server = await startTestServer({
      maxConnectionsPerIp: 1,
      trustedProxies: ['127.0.0.9'],
      insecureNoAuth: true,
    });
    const via = (localAddress: string, forwardedFor: string) => ({
      localAddress,
      headers: { 'X-Forwarded-For': forwardedFor },
    });
    const url = wsOrigin(server, '/ws/coordinator');
    await connectTestClient(url, via('127.0.0.9', '198.51.100.1'));
    await connectTestClient(url, via('127.0.0.9', '198.51.100.2'));
    const again = await rawRequest(server, '/ws/coordinator', {
      upgrade: true,
      ...via('127.0.0.9', '198.51.100.1'),
    });
    expect([again.status, again.json]).toMatchObject([
      503,
      { scope: 'ip', error: { message: expect.stringContaining('198.51.100.1') as string } },
    ]);

    await connectTestClient(url, via('127.0.0.2', '198.51.100.3'));
    const spoofed = await rawRequest(server, '/ws/coordinator', {
      upgrade: true,
      ...via('127.0.0.2', '198.51.100.4'),
    });
    expect([spoofed.status, spoofed.json]).toMatchObject([
      503,
      { scope: 'ip', error: { message: expect.stringContaining('127.0.0.2') as string } },
    ]);
  });

  it('L6 A7 behind a trusted proxy the failed-authentication limit counts each forwarded client', async () => {
    const server = await startTestServer({
      authSecret: 'a-secret-of-at-least-thirty-two-bytes!',
      trustedProxies: ['127.0.0.9'],
    });
    const attempt = (client: string) =>
      rawRequest(server, '/api/agents', {
        localAddress: '127.0.0.9',
        headers: { 'X-Forwarded-For': client, Authorization: 'Bearer not-a-token' },
      });
    let answer = await attempt('198.51.100.5');
    for (let tries = 1; answer.status === 401 && tries < 50; tries += 1)
      answer = await attempt('198.51.100.5');
    expect(answer.status).toBe(429);
    expect((await attempt('198.51.100.6')).status).toBe(401);
  });
});
