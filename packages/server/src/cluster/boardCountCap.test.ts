import { describe, expect, it } from 'vitest';
import { answerTo } from '../test-utils/boardClients.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  createCardOverHttp,
  dataOf,
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
});
