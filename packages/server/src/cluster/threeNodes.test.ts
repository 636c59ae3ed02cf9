import { boardSchema, parse, type Board } from '@liveline/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import { boardSeenBy, createCardsAtOnce, seqOf } from '../test-utils/boardClients.js';
import { deployNginxConfig } from '../test-utils/engines/deployNginxConfig.js';
import { startNginx, type TestNginx } from '../test-utils/engines/startNginx.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';

const NODES = 3;
const CLIENTS = 100;
const OPS_PER_CLIENT = 2;

const engines = useClusterEngines('three_nodes');
let nginx: TestNginx | null = null;
afterAll(() => nginx?.stop());

describe('cluster mode under load', () => {
  it(`B1 ${CLIENTS} board clients on ${NODES} nodes behind nginx: every op is acked and applied once, every client has a gapless log and the board stored in PostgreSQL, as a node started after it reads it`, async () => {
    const { databaseUrl, redisUrl } = await engines.freshCluster();
    const nodes = await Promise.all(
      Array.from({ length: NODES }, (_, i) =>
        startTestServer({ databaseUrl, redisUrl, nodeId: `node-${i}` }),
      ),
    );
    const proxy = await startNginx((port, prefix) =>
      deployNginxConfig(
        port,
        prefix,
        nodes.map((node) => node.origin),
      ),
    );
    nginx = proxy;
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, () =>
        connectTestClient(wsOrigin(proxy, '/ws/connect?board_id=load')),
      ),
    );
    await Promise.all(clients.map((client) => client.next('snapshot', 15_000)));
    const ops = clients.flatMap((client, c) =>
      Array.from({ length: OPS_PER_CLIENT }, (_, i) => ({ client, id: `c${c}-${i}` })),
    );
    // Three nodes writing one board conflict all the time; that alone never refuses an op.
    const acks = await createCardsAtOnce(ops);
    expect(acks.filter((answer) => answer.type !== 'ack')).toEqual([]);
    expect(acks.every((ack) => dataOf(ack).duplicate === false)).toBe(true);
    const ackedSeqs = acks.map((ack) => Number(dataOf(ack).seq));
    expect(new Set(ackedSeqs).size).toBe(ops.length);
    const head = Math.max(...ackedSeqs);

    // Cheap enough to poll for 100 clients: the seq of the newest event a client got.
    const newestSeq = (client: TestClient): number | null => {
      for (let i = client.messages.length - 1; i >= 0; i -= 1) {
        const message = client.messages[i];
        if (message && message.type !== 'snapshot' && seqOf(message) !== null)
          return seqOf(message);
      }
      return null;
    };
    await Promise.all(
      clients.map((client) => client.next(() => newestSeq(client) === head, 20_000)),
    );
    const [firstClient] = clients;
    if (!firstClient) throw new Error('no clients');
    const first = boardSeenBy(firstClient).board;
    const cards = (board: Board) => ({ columns: board.columns, cards: board.cards });
    expect(first.cards.map((card) => card.id).sort()).toEqual(ops.map((op) => op.id).sort());
    for (const client of clients) {
      const { board, seqs, from } = boardSeenBy(client);
      expect(seqs).toEqual(Array.from({ length: head - from }, (_, i) => from + 1 + i));
      expect(cards(board)).toEqual(cards(first));
    }
    // The board stored in PostgreSQL is its document plus the events after it (B6): a node that
    // never held it reads both.
    const late = await startTestServer({ databaseUrl, redisUrl, nodeId: 'node-late' });
    const stored = parse(boardSchema, (await rawRequest(late, '/api/boards/load')).json?.board);
    if (!stored.ok) throw stored.error;
    expect(cards(stored.value)).toEqual(cards(first));
  }, 90_000);
});
