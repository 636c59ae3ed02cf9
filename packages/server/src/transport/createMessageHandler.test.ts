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
});
