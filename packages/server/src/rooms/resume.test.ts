import { CloseCode, checkSeq } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  createCardOverHttp as createCard,
  dataOf,
  startTestServer,
  tempDataDir,
  wsOrigin,
  type TestMessage,
} from '../test-utils/index.js';

const cardId = (client: { messages: TestMessage[] }): string => {
  const created = client.messages.find((m) => m.type === 'card.created');
  return created ? String((dataOf(created).card as TestMessage).id) : 'missing';
};

const seqOf = (m: TestMessage): number => Number(m.seq);
const isEvent = (m: TestMessage): boolean =>
  typeof m.type === 'string' && /\./.test(m.type) && typeof m.seq === 'number';

describe('ordered rooms resume', () => {
  it('R1 a board keeps its epoch across a restart, so its first client resumes with the missed events', async () => {
    const dataDir = tempDataDir();
    const before = await startTestServer({ dataDir });
    const watcher = await connectTestClient(wsOrigin(before, '/ws/connect?board_id=keep'));
    const snapshot = await watcher.next('snapshot');
    await createCard(before, 'keep', 'op-1');
    const seen = await watcher.next('card.created');
    await createCard(before, 'keep', 'op-2');
    await before.stop();
    // The resuming client is the first to touch the board after the restart.
    const after = await startTestServer({ dataDir });
    const back = await connectTestClient(
      wsOrigin(
        after,
        `/ws/connect?board_id=keep&epoch=${String(snapshot.epoch)}&seq=${seqOf(seen)}`,
      ),
    );
    const first = await back.next((m) => m.type === 'resumed' || m.type === 'snapshot');
    expect(first).toMatchObject({ type: 'resumed', epoch: snapshot.epoch, seq: seqOf(seen) });
    const replayed = await back.next('card.created');
    expect(seqOf(replayed)).toBe(seqOf(seen) + 1);
    expect((dataOf(replayed).card as TestMessage).title).toBe('op-2');
  });

  it('R2 the first message after the greeting is a snapshot holding every event up to its seq, and the events after it follow from that seq + 1', async () => {
    const server = await startTestServer();
    for (const op of ['s1', 's2', 's3']) await createCard(server, 'r2', op);
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=r2'));
    await client.next('snapshot');
    expect(client.messages[0]?.event).toBe('connected');
    const snapshot = client.messages[1] ?? {};
    expect(snapshot).toMatchObject({ type: 'snapshot', seq: 3 });
    const titles = (dataOf(snapshot).cards as TestMessage[]).map((card) => card.title);
    expect(titles).toEqual(['s1', 's2', 's3']);
    await createCard(server, 'r2', 's4');
    expect(seqOf(await client.next('card.created'))).toBe(4);
  });

  it('R4 a client that saw zero events resumes with the snapshot seq and replays 0', async () => {
    const server = await startTestServer();
    const first = await connectTestClient(wsOrigin(server, '/ws/workflow/zero'));
    const snapshot = await first.next('snapshot');
    const again = await connectTestClient(
      wsOrigin(server, `/ws/workflow/zero?epoch=${String(snapshot.epoch)}&seq=${seqOf(snapshot)}`),
    );
    expect(await again.next('resumed')).toEqual({
      type: 'resumed',
      seq: 0,
      epoch: snapshot.epoch,
      data: { replayed: 0 },
    });
  });

  it('R4 an idle client whose history aged out but who missed nothing replays 0', async () => {
    const server = await startTestServer({ historyMaxAgeMs: 1 });
    await createCard(server, 'idle', 'c1');
    const client = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=idle'));
    const snapshot = await client.next('snapshot');
    client.ws.close();
    await client.closed;
    await expect.poll(() => server.stats().routes.board?.connections).toBe(0);
    const mine = await connectTestClient(
      wsOrigin(
        server,
        `/ws/connect?board_id=idle&epoch=${String(snapshot.epoch)}&seq=${seqOf(snapshot)}`,
      ),
    );
    expect(await mine.next((m) => m.type === 'resumed' || m.type === 'snapshot')).toMatchObject({
      type: 'resumed',
      data: { replayed: 0 },
    });
  });

  it('R4 after a server-side drop a client resumes with no gap and no duplicate', async () => {
    const server = await startTestServer();
    const watcher = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=r4'));
    const snapshot = await watcher.next('snapshot');
    await createCard(server, 'r4', 'a1');
    const seen = await watcher.next((m) => m.type === 'card.created');
    server.disconnectAll(CloseCode.ServiceRestart, 'test drop');
    await watcher.closed;
    for (const op of ['a2', 'a3', 'a4']) await createCard(server, 'r4', op);
    const back = await connectTestClient(
      wsOrigin(
        server,
        `/ws/connect?board_id=r4&epoch=${String(snapshot.epoch)}&seq=${seqOf(seen)}`,
      ),
    );
    const resumed = await back.next('resumed');
    expect(resumed.seq).toBe(seqOf(seen));
    await createCard(server, 'r4', 'a5');
    await back.next(
      (m) => m.type === 'card.created' && (dataOf(m).card as TestMessage).title === 'a5',
    );
    let last = seqOf(seen);
    const titles: unknown[] = [];
    for (const event of back.messages.filter(isEvent)) {
      expect(checkSeq(last, seqOf(event))).toBe('apply');
      last = seqOf(event);
      if (event.type === 'card.created') titles.push((dataOf(event).card as TestMessage).title);
    }
    expect(titles).toEqual(['a2', 'a3', 'a4', 'a5']);
  });

  it('R5 an unknown epoch gets a snapshot with recovered:false and epoch_changed', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/workflow/r5?epoch=old&seq=3'));
    expect(await client.next('snapshot')).toMatchObject({
      recovered: false,
      reason: 'epoch_changed',
      data: { workflow_id: 'r5', workflow: null },
    });
    await expect.poll(() => server.stats().routes.workflow?.resumes_not_recovered).toBe(1);
  });

  it('R6 a position older than the kept history gets history_truncated', async () => {
    const server = await startTestServer({ historyMaxEvents: 2 });
    for (const op of ['b1', 'b2', 'b3', 'b4']) await createCard(server, 'r6', op);
    const board = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=r6'));
    const boardSnapshot = await board.next('snapshot');
    const late = await connectTestClient(
      wsOrigin(server, `/ws/connect?board_id=r6&epoch=${String(boardSnapshot.epoch)}&seq=1`),
    );
    expect(await late.next('snapshot')).toMatchObject({
      recovered: false,
      reason: 'history_truncated',
    });
  });

  it('R7 a seq newer than the room has seen gets seq_ahead', async () => {
    const server = await startTestServer();
    const first = await connectTestClient(wsOrigin(server, '/ws/workflow/r7'));
    const snapshot = await first.next('snapshot');
    const client = await connectTestClient(
      wsOrigin(server, `/ws/workflow/r7?epoch=${String(snapshot.epoch)}&seq=99`),
    );
    expect(await client.next('snapshot')).toMatchObject({ recovered: false, reason: 'seq_ahead' });
  });

  it('L2 an ordered-route slow consumer is closed with 1013 and resumes without loss', async () => {
    const server = await startTestServer({
      orderedMaxBufferedBytes: 1,
      historyMaxBytes: 2 ** 30,
      historyMaxEvents: 100_000,
      rateLimitBurst: 100_000,
      rateLimitPerSecond: 100_000,
    });
    const slow = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=l2'));
    const snapshot = await slow.next('snapshot');
    const writer = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=l2'));
    // Stop reading so the kernel buffers fill and the server's own queue grows.
    (slow.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    await createCard(server, 'l2', 'big');
    await writer.next('card.created');
    // Large updates of one card: the board stays small while the stream carries megabytes.
    let sent = 0;
    while (server.stats().routes.board?.slow_consumer_closes === 0 && sent < 4000) {
      for (let i = 0; i < 50; i += 1, sent += 1)
        writer.send({
          type: 'card.update',
          op_id: `op-${sent}`,
          card_id: cardId(writer),
          title: `card ${sent}`,
          description: 'x'.repeat(4900),
        });
      await writer.next(() => writer.messages.filter((m) => m.type === 'ack').length === sent);
    }
    expect(server.stats().routes.board?.slow_consumer_closes).toBe(1);
    const back = await connectTestClient(
      wsOrigin(
        server,
        `/ws/connect?board_id=l2&epoch=${String(snapshot.epoch)}&seq=${seqOf(snapshot)}`,
      ),
    );
    await back.next('resumed');
    await back.next(
      () => back.messages.filter((m) => m.type === 'card.updated').length === sent,
      15_000,
    );
    const created = back.messages
      .filter((m) => m.type === 'card.updated')
      .map((m) => (dataOf(m).card as TestMessage).title);
    expect(created).toEqual(Array.from({ length: sent }, (_, i) => `card ${i}`));
  });
});
