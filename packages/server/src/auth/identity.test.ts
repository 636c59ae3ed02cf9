import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestMessage,
} from '../test-utils/index.js';
import { mintToken } from './mintToken.js';

const SECRET = 'identity-test-secret-of-32-bytes-or-more';
const bearer = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
const presenceNames = (message: TestMessage): unknown =>
  (dataOf(message).people as { name: string }[]).map((p) => p.name);

describe('identity from the token', () => {
  it('B1 board events carry the token’s actor, over the socket and the HTTP API; the name falls back to sub', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const alice = await mintToken(SECRET, {
      sub: 'u-alice',
      name: 'Alice',
      scope: 'board:b1:write',
      ttlSeconds: 60,
    });
    const bot = await mintToken(SECRET, { sub: 'ci-bot', scope: 'board:*:write', ttlSeconds: 60 });
    const board = await connectTestClient(
      wsOrigin(server, '/ws/connect?board_id=b1'),
      bearer(alice),
    );
    await board.next('snapshot');
    board.send({ type: 'card.create', op_id: 'w1', column_id: 'backlog', title: 'from alice' });
    expect(dataOf(await board.next('card.created')).actor).toEqual({
      id: 'u-alice',
      name: 'Alice',
    });
    const viaHttp = await rawRequest(server, '/api/boards/b1/ops', {
      ...bearer(bot),
      body: { type: 'column.create', op_id: 'h1', title: 'Bots' },
    });
    expect(viaHttp.status).toBe(201);
    expect(dataOf(await board.next('column.created')).actor).toEqual({
      id: 'ci-bot',
      name: 'ci-bot',
    });
  });

  it('B1 without auth events name no actor', async () => {
    const server = await startTestServer();
    const board = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=b1'));
    await board.next('snapshot');
    board.send({ type: 'card.create', op_id: 'w1', column_id: 'backlog', title: 'anonymous' });
    expect(dataOf(await board.next('card.created'))).not.toHaveProperty('actor');
  });

  it('B3 with auth on presence shows the token’s name and presence.update cannot claim another', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    const viewer = await mintToken(SECRET, {
      sub: 'u-bob',
      name: 'Bob',
      scope: 'board:b1:read',
      ttlSeconds: 60,
    });
    const bob = await connectTestClient(
      wsOrigin(server, '/ws/connect?board_id=b1'),
      bearer(viewer),
    );
    await bob.next((m) => m.type === 'presence' && dataOf(m).count === 1);
    bob.send({ type: 'presence.update', name: 'Alice' });
    // Messages are handled in order: once the probe is answered, the update was handled.
    bob.send({ type: 'time_sync', id: 1, t0: 1 });
    await bob.next('time_sync');
    const second = await connectTestClient(
      wsOrigin(server, '/ws/connect?board_id=b1'),
      bearer(viewer),
    );
    const summary = await second.next((m) => m.type === 'presence' && dataOf(m).count === 2);
    expect(presenceNames(summary)).toEqual(['Bob', 'Bob']);
  });

  it('A2 a token whose sub is empty or longer than 256 characters is refused with 401', async () => {
    const server = await startTestServer({ authSecret: SECRET });
    for (const sub of ['', 'x'.repeat(257)]) {
      const token = await mintToken(SECRET, { sub, scope: 'board:*:read', ttlSeconds: 60 });
      const reply = await rawRequest(server, '/api/boards/b1', bearer(token));
      expect(reply.status, `sub of ${sub.length}`).toBe(401);
      expect((reply.json?.error as { message: string }).message).toContain('claim sub');
    }
  });
});
