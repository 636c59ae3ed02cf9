import { RESUME_QUERY, wsMessages, type ValidationError } from '@liveline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeClient as setup } from '../test-utils/fakeClient.js';
import { createFakeEnvironment } from '../test-utils/fakeEnvironment.js';
import { createClient } from './createClient.js';
import type { LivelineError } from './errors.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A channel of `route` whose errors and delivered messages the test reads. */
const listen = (client: ReturnType<typeof setup>['client'], route: 'board' | 'coordinator') => {
  const channel = client.channel(route);
  const errors: LivelineError[] = [];
  const messages = vi.fn();
  channel.onError((e) => errors.push(e));
  channel.onMessage(messages);
  return { channel, errors, messages };
};
const event = (seq: number, epoch = 'e1') => ({
  type: 'card.deleted',
  seq,
  epoch,
  data: { op_id: null, card_id: 'c1' },
});
const snapshot = (seq: number, extra = {}) => ({
  type: 'snapshot',
  seq,
  epoch: 'e1',
  data: { board_id: 'b', columns: [], cards: [] },
  ...extra,
});
/** The board's first message (rule B0). */
const greeting = {
  event: 'connected',
  data: { client_id: 'c1', message: 'Connected', board_id: null, server_time: 'now' },
};
const timeSyncReply = { type: 'time_sync', data: { id: 1, t0: 0, t1: 0, t2: 0 } };

describe('channel', () => {
  it('shares one socket per URL and closes it when the last listener leaves', async () => {
    const { client, sockets, latest } = setup();
    const a = client.channel('agent', { params: { name: 'screenwriter' } });
    expect(client.channel('agent', { params: { name: 'screenwriter' } })).toBe(a);
    const offA = a.onMessage(() => {});
    const offB = a.on('agent_status', () => {});
    expect(sockets).toHaveLength(1);
    expect(latest().url).toBe('ws://h:1/ws/agent/screenwriter');
    offA();
    offB();
    await Promise.resolve();
    expect(latest().closedWith?.code).toBe(1000);
    expect(a.getState().status).toBe('idle');
  });

  it('survives a StrictMode-style unsubscribe/resubscribe with one socket', async () => {
    const { client, sockets } = setup();
    const channel = client.channel('coordinator');
    channel.subscribe(() => {})();
    const off = channel.subscribe(() => {});
    await Promise.resolve();
    expect(sockets).toHaveLength(1);
    expect(channel.getState().status).toBe('connecting');
    off();
  });

  it('R3 reconnects with the epoch and seq of the last applied event', () => {
    const { client, latest } = setup();
    const board = client.channel('board', { query: { board_id: 'b' } });
    board.onMessage(() => {});
    latest().accept();
    latest().receive(snapshot(4));
    latest().receive(event(5));
    latest().drop(1012);
    vi.runOnlyPendingTimers();
    expect(latest().url).toBe('ws://h:1/ws/connect?board_id=b&epoch=e1&seq=5');
    // The channel spells the parameters itself (an import of RESUME_QUERY costs bundle bytes).
    const query = new URL(latest().url).searchParams;
    expect([query.get(RESUME_QUERY.epoch), query.get(RESUME_QUERY.seq)]).toEqual(['e1', '5']);
  });

  it('R3 a channel held again after its last holder left starts from a snapshot, not a resume', async () => {
    const { client, latest } = setup();
    const board = client.channel('board', { query: { board_id: 'b' } });
    const off = board.onMessage(() => {});
    latest().accept();
    latest().receive(snapshot(4));
    off();
    await Promise.resolve();
    board.onMessage(() => {});
    expect(latest().url).toBe('ws://h:1/ws/connect?board_id=b');
    expect(board.resumePosition()).toBeNull();
  });

  it('R9 delivers replayed events exactly once and in order, and resumes on a gap', () => {
    const { client, latest, sockets } = setup();
    const board = client.channel('board');
    const seqs: number[] = [];
    board.on('card.deleted', (m) => seqs.push(m.seq));
    latest().accept();
    latest().receive(snapshot(0));
    for (const seq of [1, 2, 2, 1, 3]) latest().receive(event(seq));
    expect(seqs).toEqual([1, 2, 3]);
    latest().receive(event(5));
    expect(seqs).toEqual([1, 2, 3]);
    expect(sockets).toHaveLength(2);
    expect(latest().url).toContain('seq=3');
  });

  it('R10 resumes at once after a gap and backs off while gaps recur with no event applied', () => {
    // random() = 1 draws the top of every window: 1000 ms, then 2000 ms.
    const { latest, sockets, env } = createFakeEnvironment(() => 1);
    const client = createClient({ origin: 'http://h:1', environment: env });
    const board = client.channel('board');
    board.onMessage(() => {});
    const resumed = { type: 'resumed', seq: 3, epoch: 'e1', data: { replayed: 0 } };
    latest().accept();
    latest().receive(snapshot(3));
    latest().receive(event(5));
    expect(sockets).toHaveLength(2);
    for (const [repeat, wait] of [
      [1, 1000],
      [2, 2000],
    ] as const) {
      latest().accept();
      latest().receive(resumed);
      latest().receive(event(5));
      expect(latest().closedWith?.code).toBe(4410);
      expect(board.getState()).toMatchObject({ status: 'reconnecting' });
      expect(sockets).toHaveLength(1 + repeat);
      vi.advanceTimersByTime(wait - 1);
      expect(sockets).toHaveLength(1 + repeat);
      vi.advanceTimersByTime(1);
      expect(sockets).toHaveLength(2 + repeat);
    }
    latest().accept();
    latest().receive(resumed);
    latest().receive(event(4));
    latest().receive(event(6));
    expect(sockets).toHaveLength(5);
    expect(latest().url).toContain('seq=4');
  });

  it('K6 a board join refused with 1013 after the greeting and a time_sync reply backs off like one refused at once', () => {
    const waits = (before: object[]) => {
      // random() = 1 draws the top of every window.
      const { latest, env } = createFakeEnvironment(() => 1);
      const board = createClient({ origin: 'http://h:1', environment: env }).channel('board');
      board.onMessage(() => {});
      return Array.from({ length: 4 }, () => {
        latest().accept();
        before.forEach((message) => latest().receive(message));
        latest().drop(1013, 'storage unavailable; try again later');
        const state = board.getState();
        const wait = state.status === 'reconnecting' && state.nextRetryAt - Date.now();
        vi.runOnlyPendingTimers();
        return wait;
      });
    };
    const refused = waits([]);
    expect(refused).toEqual([1000, 2000, 4000, 8000]);
    expect(waits([greeting, timeSyncReply])).toEqual(refused);
  });

  it('K6 an ordered route is open (served) once its join is answered, any other route once a message but a time_sync reply comes', () => {
    const after = (route: 'board' | 'coordinator', messages: object[]) => {
      const { latest, env } = createFakeEnvironment(() => 1);
      const channel = createClient({ origin: 'http://h:1', environment: env }).channel(route);
      channel.onMessage(() => {});
      latest().drop(1006);
      vi.advanceTimersByTime(1000);
      latest().accept();
      messages.forEach((message) => latest().receive(message));
      const { status, attempt } = channel.getState();
      return `${status} ${attempt}`;
    };
    expect(after('board', [greeting, timeSyncReply])).toBe('connecting 1');
    expect(after('board', [greeting, snapshot(0)])).toBe('open 0');
    expect(after('coordinator', [timeSyncReply])).toBe('connecting 1');
    expect(after('coordinator', [{ type: 'heartbeat', data: { server_time: 1 } }])).toBe('open 0');
  });

  it('R5 surfaces a recovered:false snapshot to the caller and adopts its position', () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    const seen = vi.fn();
    board.on('snapshot', seen);
    latest().accept();
    latest().receive(snapshot(9, { recovered: false, reason: 'epoch_changed' }));
    expect(seen).toHaveBeenCalledWith(
      expect.objectContaining({ recovered: false, reason: 'epoch_changed' }),
    );
    expect(board.resumePosition()).toEqual({ epoch: 'e1', seq: 9 });
  });

  it('K2 refresh (4409) forgets the resume position', () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    board.onMessage(() => {});
    latest().accept();
    latest().receive(snapshot(3));
    latest().drop(4409);
    vi.runOnlyPendingTimers();
    expect(latest().url).toBe('ws://h:1/ws/connect');
  });

  it('A10 after 4401 the next attempt resumes from the position (the token expired, not the stream)', () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    board.onMessage(() => {});
    latest().accept();
    latest().receive(snapshot(3));
    latest().receive(event(4));
    latest().drop(4401, 'token expired');
    vi.runOnlyPendingTimers();
    expect(latest().url).toBe('ws://h:1/ws/connect?epoch=e1&seq=4');
  });

  it('E3 reports frames with a bad envelope instead of delivering them', () => {
    const { client, latest } = setup();
    const { channel, errors, messages } = listen(client, 'board');
    latest().accept();
    latest().receive(snapshot(0));
    messages.mockClear();
    const { epoch: _, ...withoutEpoch } = event(1);
    const bad = ['{nope', '[1]', { ...event(1), seq: '1' }, { type: 3 }, withoutEpoch];
    for (const frame of bad) latest().receive(frame);
    expect(messages).not.toHaveBeenCalled();
    expect(errors.map((e) => e.code)).toEqual(bad.map(() => 'invalid_message'));
    const fields = errors.map((e) => (e.cause as ValidationError).field);
    expect(fields).toEqual(['', '', 'seq', 'type', 'epoch']);
    expect(channel.resumePosition()).toEqual({ epoch: 'e1', seq: 0 });
  });

  it('E3 without validate delivers a payload the envelope allows, unchecked', () => {
    const { client, latest } = setup();
    const { errors, messages } = listen(client, 'coordinator');
    latest().accept();
    latest().receive({ type: 'metrics', data: {} });
    expect(errors).toEqual([]);
    expect(messages).toHaveBeenCalledWith({ type: 'metrics', data: {} });
  });

  it('E3 with validate: wsMessages reports a bad payload deep inside instead of delivering it', () => {
    const { client, latest } = setup({ validate: wsMessages });
    const { errors, messages } = listen(client, 'coordinator');
    latest().accept();
    latest().receive({ type: 'metrics', data: {} });
    latest().receive({ type: 'heartbeat', data: { server_time: 1 } });
    expect(messages).toHaveBeenCalledTimes(1);
    expect(errors).toMatchObject([{ code: 'invalid_message', cause: { field: 'data.workflows' } }]);
  });

  it('passive listeners hear state and messages without opening or holding the socket', async () => {
    const { client, sockets, latest } = setup();
    const channel = client.channel('coordinator');
    const states = vi.fn();
    const messages = vi.fn();
    channel.subscribe(states, true);
    channel.onMessage(messages, true);
    expect(sockets).toHaveLength(0);
    const off = channel.subscribe(() => {});
    latest().accept();
    latest().receive({ type: 'heartbeat', data: { server_time: 1 } });
    expect(states).toHaveBeenCalled();
    expect(messages).toHaveBeenCalledWith(expect.objectContaining({ type: 'heartbeat' }));
    off();
    await Promise.resolve();
    expect(channel.getState().status).toBe('idle');
  });

  it('gives each subscription its own token: a stale unsubscribe never removes a newer one', () => {
    const { client, latest } = setup();
    const channel = client.channel('coordinator');
    const [states, messages, errors] = [vi.fn(), vi.fn(), vi.fn()];
    const subscribe = () => [
      channel.subscribe(states),
      channel.onMessage(messages),
      channel.onError(errors),
    ];
    const stale = subscribe();
    stale.forEach((off) => off());
    subscribe();
    stale.forEach((off) => off());
    latest().accept();
    latest().receive({ type: 'heartbeat', data: { server_time: 1 } });
    latest().receive('{nope');
    expect(states).toHaveBeenCalled();
    expect(messages).toHaveBeenCalledTimes(1);
    expect(errors).toHaveBeenCalledTimes(1);
  });

  it('lists every connection for diagnostics, with its channel to retry', () => {
    const { client, latest } = setup();
    client.channel('coordinator').subscribe(() => {});
    latest().serve();
    const [entry] = Object.values(client.connections.getState());
    expect(entry).toMatchObject({ route: 'coordinator', state: { status: 'open' }, clock: null });
    entry?.channel.reconnect();
    expect(latest().url).toBe('ws://h:1/ws/coordinator');
    expect(client.connections.getState()[entry?.url ?? '']?.state.status).toBe('connecting');
  });
});
