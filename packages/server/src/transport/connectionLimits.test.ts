import {
  CloseCode,
  fillPath,
  MAX_PAYLOAD_BYTES,
  WS_ROUTE_NAMES,
  wsRoutes,
} from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { connectTestClient, dataOf, startTestServer, wsOrigin } from '../test-utils/index.js';

describe('connection limits and liveness', () => {
  it('H1 a quiet connection gets a heartbeat with the server time', async () => {
    const server = await startTestServer({ heartbeatIntervalMs: 40 });
    const client = await connectTestClient(wsOrigin(server, '/ws/workflow/quiet'));
    await client.next('snapshot');
    const beat = await client.next('heartbeat');
    expect(dataOf(beat).server_time).toBeGreaterThan(0);
  });

  it('H3 a peer that does not answer pings is terminated', async () => {
    const server = await startTestServer({ pingIntervalMs: 30 });
    const answering = await connectTestClient(wsOrigin(server, '/ws/coordinator'));
    const silent = await connectTestClient(wsOrigin(server, '/ws/coordinator'), {
      autoPong: false,
    });
    expect((await silent.closed).code).toBe(1006);
    expect(answering.ws.readyState).toBe(answering.ws.OPEN);
  });

  it.each(WS_ROUTE_NAMES)(
    'T1 time_sync is answered on route %s with t0 echoed and t1 ≤ t2',
    async (name) => {
      const server = await startTestServer();
      const path = fillPath(wsRoutes[name].path, { id: 'quiet', name: 'editor' });
      const client = await connectTestClient(wsOrigin(server, path));
      client.send({ type: 'time_sync', id: 7, t0: 123.5 });
      const reply = dataOf(await client.next('time_sync'));
      expect(reply).toMatchObject({ id: 7, t0: 123.5 });
      expect(Number(reply.t2)).toBeGreaterThanOrEqual(Number(reply.t1));
    },
  );

  it('E1 invalid JSON, unknown types and invalid fields get an error naming the problem', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/transport'));
    client.send('{nope');
    expect(dataOf(await client.next('error'))).toMatchObject({ code: 'bad_json' });
    client.send({ type: 'warp' });
    expect(dataOf(await client.next('error'))).toMatchObject({
      code: 'unknown_type',
      field: 'type',
    });
    client.send({ type: 'seek', time_seconds: -1 });
    expect(dataOf(await client.next('error'))).toMatchObject({
      code: 'invalid_field',
      field: 'time_seconds',
    });
    client.send({ type: 'play', op_id: 'ok-1' });
    expect(dataOf(await client.next('ack'))).toEqual({ op_id: 'ok-1' });
  });

  it('E2 more than 5 bad messages within 10 s close with 4400; other clients keep being served', async () => {
    const server = await startTestServer();
    const bystander = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    const client = await connectTestClient(wsOrigin(server, '/ws/transport'));
    for (let i = 0; i < 5; i += 1) client.send('garbage');
    // Five are tolerated: the socket still answers a probe sent after them.
    client.send({ type: 'time_sync', id: 5, t0: 5 });
    await client.next('time_sync');
    expect(client.messages.filter((m) => m.type === 'error')).toHaveLength(5);
    client.send('garbage');
    expect((await client.closed).code).toBe(CloseCode.BadMessage);
    const before = bystander.messages.length;
    await bystander.next(() => bystander.messages.length > before + 2);
  });

  it('L1 a frame over MAX_PAYLOAD_BYTES (64 KiB) closes with 1009; one of exactly 64 KiB is read', async () => {
    expect(MAX_PAYLOAD_BYTES).toBe(64 * 1024);
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/connect'));
    client.send(' '.repeat(MAX_PAYLOAD_BYTES - 2) + '{}');
    expect(dataOf(await client.next('error'))).toMatchObject({ field: 'type' });
    client.send('x'.repeat(MAX_PAYLOAD_BYTES + 1));
    expect((await client.closed).code).toBe(CloseCode.MessageTooBig);
  });

  it('L4 a client over its inbound rate limit is closed with 4429', async () => {
    const server = await startTestServer({ rateLimitBurst: 5, rateLimitPerSecond: 1 });
    const client = await connectTestClient(wsOrigin(server, '/ws/transport'));
    for (let i = 0; i < 10; i += 1) client.send({ type: 'time_sync', id: i, t0: i });
    expect((await client.closed).code).toBe(CloseCode.TooManyRequests);
  });
});
