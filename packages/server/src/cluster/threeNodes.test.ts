import { applyBoardEvent, boardEventSchema, boardSchema, parse } from '@liveline/protocol';
import type { Board } from '@liveline/protocol';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { connectWsClient } from '../reliability/connectWsClient.js';
import { boardSeenBy, createCardsAtOnce, seqOf } from '../test-utils/boardClients.js';
import { deployNginxConfig } from '../test-utils/engines/deployNginxConfig.js';
import { startNginx, type TestNginx } from '../test-utils/engines/startNginx.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';

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

  it('F2 one node SIGKILLed mid-load behind nginx: its ws-client clients resume on the others, every op is acked once, nothing acked is lost and every client converges', async () => {
    const { databaseUrl, redisUrl } = await engines.freshCluster();
    const env = { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl };
    const nodes = await Promise.all(
      [0, 1, 2].map((i) => spawnServer(tempDataDir(), { env: { ...env, NODE_ID: `node-${i}` } })),
    );
    const proxy = await startNginx((port, prefix) =>
      deployNginxConfig(
        port,
        prefix,
        nodes.map((node) => node.origin),
      ),
    );
    onTestCleanup(() => proxy.stop());
    const gaps: string[] = [];
    const boards = Array.from({ length: 9 }, () => {
      const { client, opened } = connectWsClient(proxy.origin);
      const channel = client.channel('board', { query: { board_id: 'killed' } });
      const seen = { board: null as Board | null, seq: 0 };
      channel.on('snapshot', (message) =>
        Object.assign(seen, { board: message.data, seq: message.seq }),
      );
      channel.onMessage((message) => {
        const event = parse(boardEventSchema, message);
        if (!event.ok || !seen.board) return;
        if (event.value.seq !== seen.seq + 1) gaps.push(`${seen.seq} -> ${event.value.seq}`);
        Object.assign(seen, {
          board: applyBoardEvent(seen.board, event.value),
          seq: event.value.seq,
        });
      });
      return { channel, seen, opened };
    });
    await vi.waitFor(() => expect(boards.every(({ seen }) => seen.board)).toBe(true), {
      timeout: 15_000,
    });
    const ops = boards.flatMap(({ channel }, c) =>
      Array.from({ length: 12 }, (_, i) => ({ channel, id: `k${c}-${i}` })),
    );
    let acked = 0;
    const acks = ops.map(({ channel, id }, i) =>
      new Promise((resolve) => setTimeout(resolve, i * 15)).then(() =>
        channel
          .request(
            { type: 'card.create', op_id: id, card_id: id, column_id: 'backlog', title: id },
            { timeoutMs: 30_000 },
          )
          .then((ack) => ((acked += 1), ack)),
      ),
    );
    await vi.waitFor(() => expect(acked).toBeGreaterThan(ops.length / 4), { timeout: 15_000 });
    nodes[1]?.process.kill('SIGKILL');
    const answers = await Promise.all(acks);
    expect(new Set(answers.map((ack) => ack.seq)).size).toBe(ops.length);
    const ids = ops.map((op) => op.id).sort();
    await vi.waitFor(
      () => {
        for (const { seen } of boards)
          expect(seen.board?.cards.map((card) => card.id).sort()).toEqual(ids);
      },
      { timeout: 15_000 },
    );
    expect(gaps).toEqual([]);
    // The killed node's clients reconnected (through nginx, to the others) and resumed.
    expect(boards.filter(({ opened }) => opened.length > 1).length).toBeGreaterThan(0);
    const stored = (await rawRequest(proxy, '/api/boards/killed')).json as { board: Board };
    for (const { seen } of boards) expect(seen.board?.cards).toEqual(stored.board.cards);
  }, 90_000);
});
