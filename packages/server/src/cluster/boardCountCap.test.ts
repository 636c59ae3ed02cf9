import { describe, expect, it } from 'vitest';
import { answerTo } from '../test-utils/boardClients.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  createCardOverHttp,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
} from '../test-utils/index.js';

const engines = useClusterEngines('board_count_cap');

describe('the cap on boards in cluster mode', () => {
  it('B5 nodes on one PostgreSQL count the same boards: first operations racing on a node store exactly maxBoards boards, and the other node then refuses a new one', async () => {
    const cluster = await engines.freshCluster();
    const [a, b] = await Promise.all([
      startTestServer({ ...cluster, maxBoards: 3 }),
      startTestServer({ ...cluster, maxBoards: 3 }),
    ]);
    // Joined first, so that the first operations reach the cap's count together.
    const clients = await Promise.all(
      Array.from({ length: 30 }, async (_, i) => {
        const client = await connectTestClient(wsOrigin(a, `/ws/connect?board_id=race-${i}`));
        await client.next('snapshot');
        return client;
      }),
    );
    const answers = await Promise.all(
      clients.map((client) =>
        answerTo(client, { type: 'card.create', op_id: 'first', column_id: 'backlog', title: 't' }),
      ),
    );
    expect(answers.filter((m) => m.type === 'ack')).toHaveLength(3);
    expect(answers.filter((m) => dataOf(m).code === 'limit_exceeded')).toHaveLength(27);
    const onB = await createCardOverHttp(b, 'another', 'first');
    expect([onB.status, onB.json?.error]).toEqual([
      409,
      expect.objectContaining({ code: 'limit_exceeded' }),
    ]);
  });

  it('B5 a board another node stored after this one loaded it empty is written to, not refused as new, once the cap is reached', async () => {
    const cluster = await engines.freshCluster();
    const [a, b] = await Promise.all([
      startTestServer({ ...cluster, maxBoards: 1 }),
      startTestServer({ ...cluster, maxBoards: 1 }),
    ]);
    // Node a loads the board while nobody has written it.
    expect((await rawRequest(a, '/api/boards/shared')).status).toBe(200);
    expect((await createCardOverHttp(b, 'shared', 'first-on-b')).status).toBe(201);
    // The cap is reached, and node a learns it with a board of its own.
    expect((await createCardOverHttp(a, 'other', 'new-on-a')).status).toBe(409);
    const onA = await createCardOverHttp(a, 'shared', 'second-on-a');
    expect([onA.status, onA.json]).toMatchObject([201, { duplicate: false, seq: 2 }]);
  });
});
