import { healthSchema, parse } from '@liveline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { createFailingStorage } from '../test-utils/failingStorage.js';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
} from '../test-utils/index.js';
import { report } from './seededRandom.js';

const card = (opId: string) => ({
  type: 'card.create',
  op_id: opId,
  column_id: 'backlog',
  title: `card ${opId}`,
});

describe('storage failures (injected storage)', () => {
  it('S2 F15 writes failing mid-run: the next op is refused with unavailable (never acked), /health degraded, the clock ticks on', async () => {
    const storage = createFailingStorage();
    const server = await startTestServer({ storage });
    const board = await connectTestClient(wsOrigin(server, '/ws/connect?board_id=full'));
    await board.next('snapshot');
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    board.send(card('a1'));
    expect(await board.next('ack')).toMatchObject({ data: { op_id: 'a1', duplicate: false } });

    storage.failWrites('disk full');
    board.send(card('a2'));
    const refused = await board.next((m) => m.type === 'ack' || m.type === 'error');
    expect(refused.type).toBe('error');
    expect(dataOf(refused)).toMatchObject({ code: 'unavailable', op_id: 'a2' });
    const health = parse(healthSchema, (await rawRequest(server, '/health')).json);
    expect(health.ok && health.value).toMatchObject({
      status: 'degraded',
      database: 'error',
      database_error: 'write failed: disk full',
    });
    const ticks = clock.messages.length;
    await vi.waitFor(() => expect(clock.messages.length).toBeGreaterThan(ticks + 3));
    const cards = (
      (await rawRequest(server, '/api/boards/full')).json as { board: { cards: unknown[] } }
    ).board.cards;
    expect(cards).toEqual([expect.objectContaining({ title: 'card a1' })]);
    report('F15', { acked: 1, refused_unavailable: 1, faults: 'injected write failure' });
  });

  it('S2 F5 a storage that refuses every write: a board op and a workflow start are 503 unavailable, sockets still served', async () => {
    const storage = createFailingStorage();
    storage.failWrites('cannot open database');
    const server = await startTestServer({ storage });
    const clock = await connectTestClient(wsOrigin(server, '/ws/transport/clock'));
    await clock.next((m) => 'playing' in m);
    const op = await rawRequest(server, '/api/boards/lost/ops', { body: card('f5-op') });
    expect(op.status).toBe(503);
    expect(op.json).toMatchObject({ error: { code: 'unavailable' } });
    const run = await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: 'x' } });
    expect(run.status).toBe(503);
    expect((await rawRequest(server, '/api/workflows')).json).toEqual({ workflows: [] });
    report('F5', { refused: 2, faults: 'injected: every write fails' });
  });
});
