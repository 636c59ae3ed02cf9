import { CloseCode } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { connectTestClient, rawRequest, startTestServer, wsOrigin } from '../test-utils/index.js';

describe('a socket’s message handler', () => {
  it('K5 an operation that arrives after the close for repeated bad messages (4400) is not applied', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=k5'));
    await client.next('snapshot');
    const op = { type: 'card.create', op_id: 'after-4400', column_id: 'backlog', title: 'late' };
    // One burst: the sixth bad message closes the socket, and the op is read after that close.
    for (let i = 0; i < 6; i += 1) client.send('garbage');
    client.send(op);
    expect((await client.closed).code).toBe(CloseCode.BadMessage);

    expect(client.messages.filter((m) => m.type === 'ack')).toEqual([]);
    const retry = await rawRequest(server, '/api/boards/k5/ops', { body: op });
    expect([retry.status, retry.json]).toMatchObject([201, { duplicate: false }]);
  });

  it('E1 C4 an operation refused for an invalid field is answered with its op_id; one whose op_id is itself invalid is answered without one', async () => {
    const server = await startTestServer();
    const daw = await connectTestClient(wsOrigin(server, '/ws/transport'));
    daw.send({ type: 'seek', time_seconds: 86_401, op_id: 'seek-far' });
    expect(await daw.next('error')).toMatchObject({
      data: { code: 'invalid_field', field: 'time_seconds', op_id: 'seek-far' },
    });
    const board = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=c4'));
    await board.next('snapshot');
    board.send({
      type: 'card.create',
      op_id: 'long-title',
      column_id: 'backlog',
      title: 'x'.repeat(5000),
    });
    expect(await board.next('error')).toMatchObject({
      data: { code: 'invalid_field', field: 'title', op_id: 'long-title' },
    });
    board.send({ type: 'card.create', op_id: 'has spaces', column_id: 'backlog', title: 'ok' });
    const refused = await board.next('error');
    expect(refused).toMatchObject({ data: { code: 'invalid_field', field: 'op_id' } });
    expect(refused.data).not.toHaveProperty('op_id');
  });
});
