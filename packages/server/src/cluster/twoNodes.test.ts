import type { Board } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createBuiltinStage } from '../domains/workflow/builtinStages.js';
import type { Stage } from '../domains/workflow/Stage.js';
import { createLogger } from '../log/createLogger.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import type { Storage } from '../storage/Storage.js';
import { boardSeenBy, createCard, createCardsAtOnce, seqOf } from '../test-utils/boardClients.js';
import { boardOfBytes } from '../test-utils/boardOfBytes.js';
import { deployNginxConfig } from '../test-utils/engines/deployNginxConfig.js';
import { startNginx } from '../test-utils/engines/startNginx.js';
import { ACROSS, useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import {
  connectTestClient,
  createCardOverHttp,
  dataOf,
  onTestCleanup,
  rawRequest,
  startTestServer,
  wsOrigin,
  type TestClient,
} from '../test-utils/index.js';
import { getWorkflow, waitForStatus } from '../test-utils/workflows.js';
import { ROOM_DELETED_REASON } from '../routes/joinRooms.js';
import { finishedRunOnTwoNodes } from '../test-utils/finishedRunOnTwoNodes.js';

const engines = useClusterEngines('two_nodes');

const IDEA = 'A robot learns to paint. It paints the sea. The sea paints it back.';

/** A built-in `storyboard` stage that starts its work only once `open` is called. */
function heldStoryboard(): { stage: Stage; open: () => void } {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => (open = resolve));
  const storyboard = createBuiltinStage('storyboard', 4);
  const stage: Stage = { run: (...args) => opened.then(() => storyboard.run(...args)) };
  return { stage, open };
}

/**
 * Nodes A and B on a fresh cluster, and run `id` created on A and held in its storyboard stage, so
 * it stands still while both nodes are asked, until `storyboard.open()`.
 */
async function runHeldOnA(id: string) {
  const cluster = await engines.freshCluster();
  const storyboard = heldStoryboard();
  const a = await startTestServer({
    ...cluster,
    nodeId: 'node-a',
    stages: { storyboard: storyboard.stage },
  });
  const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
  await rawRequest(a, '/api/workflows', { body: { id, mode: 'idea', input: IDEA } });
  await vi.waitFor(
    async () =>
      expect((await getWorkflow(a, id)).stages[1]).toMatchObject({
        stage: 'storyboard',
        status: 'running',
      }),
    { timeout: 5_000 },
  );
  return { a, b, storyboard };
}

/** Joins `/ws/workflow/{id}` on a node and answers its snapshot. */
async function joinRun(node: { origin: string }, id: string) {
  const client = await connectTestClient(wsOrigin(node, `/ws/workflow/${id}`));
  return { client, snapshot: await client.next('snapshot') };
}

/** Every message a client got after its snapshot. */
const afterSnapshot = (client: TestClient) => client.messages.slice(1);

describe('cluster mode: nodes sharing PostgreSQL and Redis', () => {
  it('a board op on node A reaches a client of node B, and a client through nginx has it whichever node it lands on; /health names each node', async () => {
    const cluster = await engines.freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    for (const [node, name] of [
      [a, 'node-a'],
      [b, 'node-b'],
    ] as const)
      expect((await rawRequest(node, '/health')).json).toMatchObject({
        status: 'healthy',
        database: 'connected',
        node: name,
        mode: 'cluster',
        broker: 'connected',
        broker_error: null,
      });
    const onA = await connectTestClient(wsOrigin(a, '/ws/connect?board_id=shared'));
    const onB = await connectTestClient(wsOrigin(b, '/ws/connect?board_id=shared'));
    await onA.next('snapshot');
    await onB.next('snapshot');
    createCard(onA, 'c1', 'written on A');
    const seenOnB = await onB.next('card.created');
    expect(dataOf(seenOnB).card).toMatchObject({ id: 'c1', title: 'written on A' });

    const nginx = await startNginx((port, prefix) =>
      deployNginxConfig(port, prefix, [a.origin, b.origin]),
    );
    onTestCleanup(() => nginx.stop());
    // Whichever node nginx picks, the client's board (its snapshot, which may lag that node's
    // copy, and the events the join sends after it) has the card.
    for (let i = 0; i < 2; i += 1) {
      const viaNginx = await connectTestClient(wsOrigin(nginx, '/ws/connect?board_id=shared'));
      await viaNginx.next('snapshot');
      await vi.waitFor(() =>
        expect(boardSeenBy(viaNginx).board.cards.map((card) => card.id)).toEqual(['c1']),
      );
    }
  });

  it('B1 two nodes writing one board at once: every op is acked (contention alone is never unavailable), one order on every client, and each node serves the whole board', async () => {
    const cluster = await engines.freshCluster();
    const nodes = [
      await startTestServer({ ...cluster, nodeId: 'node-a' }),
      await startTestServer({ ...cluster, nodeId: 'node-b' }),
    ];
    const url = '/ws/connect?board_id=contended';
    const clients = await Promise.all(
      [...nodes, ...nodes].map((node) => connectTestClient(wsOrigin(node, url))),
    );
    await Promise.all(clients.map((client) => client.next('snapshot')));
    // Both writers (one per node) send 40 ops at once: the nodes race for every seq.
    const ops = clients
      .slice(0, 2)
      .flatMap((client, w) => Array.from({ length: 40 }, (_, i) => ({ client, id: `w${w}-${i}` })));
    const answers = await createCardsAtOnce(ops);
    expect(answers.filter((answer) => answer.type !== 'ack')).toEqual([]);
    const head = ops.length;
    expect(answers.map((answer) => Number(dataOf(answer).seq)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: head }, (_, i) => i + 1),
    );
    await Promise.all(
      clients.map((client) =>
        client.next((m) => m.type === 'card.created' && seqOf(m) === head, 10_000),
      ),
    );
    /** The seq and card id of every event a client got, in the order it got them. */
    const log = (client: (typeof clients)[number]) =>
      client.messages
        .filter((m) => m.type === 'card.created')
        .map((m) => `${seqOf(m)}:${String((dataOf(m).card as { id: string }).id)}`);
    const [reference] = clients.map(log);
    expect(reference).toHaveLength(head);
    const first = reference?.map((entry) => entry.split(':')[1]);
    for (const client of clients) {
      expect(log(client)).toEqual(reference);
      expect(boardSeenBy(client).board.cards.map((card) => card.id)).toEqual(first);
    }
    // A node's own board follows the other node's writes: its HTTP read and a new join are whole.
    for (const node of nodes) {
      const { json } = await rawRequest(node, '/api/boards/contended');
      expect(json).toMatchObject({ seq: head });
      expect((json as { board: { cards: { id: string }[] } }).board.cards.map((c) => c.id)).toEqual(
        first,
      );
      const late = await connectTestClient(wsOrigin(node, url));
      expect(seqOf(await late.next('snapshot'))).toBe(head);
    }
  });

  it("B6 R2 a board node A wrote events to since its document is loaded by node B, which never had it, as A's (board, seq, epoch); an append landing between a node's head read and its board read is in that board once, at the seq it gives", async () => {
    const cluster = await engines.freshCluster();
    const reader = createPostgresStorage({ url: cluster.databaseUrl, log: createLogger('silent') });
    onTestCleanup(() => reader.close());
    await reader.putDocument({ kind: 'board', id: 'big', value: boardOfBytes('big', 64 * 1024) });
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    for (const op of ['a1', 'a2', 'a3'])
      expect((await createCardOverHttp(a, 'big', op)).status).toBe(201);
    expect((await reader.loadSequenced('board', 'big')).seq).toBe(0);

    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    expect((await rawRequest(b, '/api/boards/big')).json).toEqual(
      (await rawRequest(a, '/api/boards/big')).json,
    );

    // Node C reads the head first (SEQ5: opening the room), then A appends, then C reads the board.
    const storage = createPostgresStorage({
      url: cluster.databaseUrl,
      log: createLogger('silent'),
    });
    onTestCleanup(() => storage.close());
    let appended = false;
    const racing: Storage = {
      ...storage,
      loadSequenced: async (kind, id) => {
        if (!appended) {
          appended = true;
          expect((await createCardOverHttp(a, 'big', 'between')).status).toBe(201);
        }
        return storage.loadSequenced(kind, id);
      },
    };
    const c = await startTestServer({ ...cluster, nodeId: 'node-c', storage: racing });
    const onC = (await rawRequest(c, '/api/boards/big')).json;
    expect(appended).toBe(true);
    expect(onC).toEqual((await rawRequest(a, '/api/boards/big')).json);
    expect(onC).toMatchObject({ seq: 4 });
    expect((await createCardOverHttp(c, 'big', 'c1')).json).toMatchObject({ seq: 5 });
    const titles = (json: unknown) =>
      (json as { board: Board }).board.cards.map((card) => card.title).slice(-5);
    expect(titles((await rawRequest(c, '/api/boards/big')).json)).toEqual([
      'a1',
      'a2',
      'a3',
      'between',
      'c1',
    ]);
  });

  it("G1 R2 a running run created on node A and first joined on node B: B reads it back, so B's snapshot is A's (workflow, seq, epoch), B streams its later events live in order with no gap, and B's HTTP read is A's", async () => {
    const { a, b, storyboard } = await runHeldOnA('run');

    const onB = await joinRun(b, 'run');
    const onA = await joinRun(a, 'run');
    expect(onB.snapshot).toEqual(onA.snapshot);
    expect(dataOf(onB.snapshot).workflow).toEqual(await getWorkflow(a, 'run'));
    expect(await getWorkflow(b, 'run')).toEqual(await getWorkflow(a, 'run'));

    storyboard.open();
    await onA.client.next('workflow.completed', 10_000);
    await onB.client.next('workflow.completed', 10_000);
    const from = seqOf(onB.snapshot) ?? -1;
    const events = afterSnapshot(onB.client);
    expect(events.map(seqOf)).toEqual(events.map((_, i) => from + 1 + i));
    expect(events).toEqual(afterSnapshot(onA.client));
  });

  it("G1 R2 a finished run created on node A is served by node B, which never saw it: B's first snapshot and HTTP read are A's", async () => {
    const cluster = await engines.freshCluster();
    const a = await startTestServer({ ...cluster, nodeId: 'node-a' });
    const b = await startTestServer({ ...cluster, nodeId: 'node-b' });
    await rawRequest(a, '/api/workflows', { body: { id: 'done', mode: 'idea', input: IDEA } });
    await waitForStatus(a, 'done', 'completed');

    const onB = await joinRun(b, 'done');
    const onA = await joinRun(a, 'done');
    expect(dataOf(onB.snapshot).workflow).toMatchObject({ id: 'done', status: 'completed' });
    expect(onB.snapshot).toEqual(onA.snapshot);
    expect(await getWorkflow(b, 'done')).toEqual(await getWorkflow(a, 'done'));
  });
  it("G3 a run node A's retention deleted closes its watchers on both nodes with 4409 and the deletion's reason (B learns it from A, not from its own storage or Redis); joined again they get the never-started snapshot", async () => {
    const { a, b, expire } = await finishedRunOnTwoNodes(await engines.freshCluster(), 'deleted');
    const watchers = [await joinRun(a, 'deleted'), await joinRun(b, 'deleted')];
    for (const { snapshot } of watchers) expect(dataOf(snapshot).workflow).not.toBeNull();

    const closes: unknown[] = [];
    for (const { client } of watchers) void client.closed.then((close) => closes.push(close));
    expire();
    const deleted = { code: 4409, reason: ROOM_DELETED_REASON };
    await vi.waitFor(() => expect(closes).toEqual([deleted, deleted]), ACROSS);
    for (const { client } of watchers) expect(afterSnapshot(client)).toEqual([]);
    for (const server of [a, b]) {
      expect((await rawRequest(server, '/api/workflows/deleted')).status).toBe(410);
      const { snapshot } = await joinRun(server, 'deleted');
      expect(snapshot).toMatchObject({ seq: 0, data: { workflow_id: 'deleted', workflow: null } });
    }
  });

  it("R4 R8 a run node B stopped watching finishes on node A, then B is joined again: a resume replays exactly A's events it missed, a fresh join's snapshot is A's final one, none twice", async () => {
    const { a, b, storyboard } = await runHeldOnA('left');
    const watcherOnA = await joinRun(a, 'left');
    const leaving = await joinRun(b, 'left');
    expect(leaving.snapshot).toEqual(watcherOnA.snapshot);
    // The socket's close leaves the room, so B's last local member of it is gone, and with it B's
    // Redis subscription: B's copy of the run stays where that client left it.
    leaving.client.ws.close();
    await vi.waitFor(() =>
      expect(b.stats().routes.workflow).toMatchObject({ connections: 0, rooms: 0 }),
    );

    storyboard.open();
    const completed = await watcherOnA.client.next('workflow.completed', 10_000);
    // A's watcher may hear the end before A's log counts it applied (the local delivery overlaps
    // Redis's answer): a join in between gets the end as its first event instead (R8).
    const finalOnA = await vi.waitFor(async () => {
      const { client, snapshot } = await joinRun(a, 'left');
      client.ws.close();
      expect(seqOf(snapshot)).toBe(seqOf(completed));
      return snapshot;
    });
    expect(dataOf(finalOnA).workflow).toMatchObject({ status: 'completed' });

    const left = { seq: seqOf(leaving.snapshot) ?? -1, epoch: String(leaving.snapshot.epoch) };
    const missed = afterSnapshot(watcherOnA.client).filter((m) => (seqOf(m) ?? 0) > left.seq);
    expect(missed.at(-1)).toEqual(completed);
    const fresh = await joinRun(b, 'left');
    expect(fresh.snapshot).toEqual(finalOnA);
    const resumer = await connectTestClient(
      wsOrigin(b, `/ws/workflow/left?epoch=${encodeURIComponent(left.epoch)}&seq=${left.seq}`),
    );
    expect(await resumer.next('resumed')).toEqual({
      type: 'resumed',
      seq: left.seq,
      epoch: left.epoch,
      data: { replayed: missed.length },
    });
    await resumer.next((m) => seqOf(m) === seqOf(finalOnA));
    // A probe answered after the replay: anything sent twice would have come before its reply.
    for (const client of [fresh.client, resumer]) {
      client.send({ type: 'time_sync', id: 1, t0: 0 });
      await client.next('time_sync');
    }
    expect(resumer.messages.slice(1, -1)).toEqual(missed);
    expect(missed.map(seqOf)).toEqual(missed.map((_, i) => left.seq + 1 + i));
    expect(fresh.client.messages.map((m) => m.type)).toEqual(['snapshot', 'time_sync']);
  });
});
