import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeClient as setup } from '../test-utils/fakeClient.js';
import { createFakeEnvironment } from '../test-utils/fakeEnvironment.js';
import { createClient } from './createClient.js';
import type { LivelineError } from './errors.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A board channel open on a fake socket whose outbox keeps ops `ttlMs`, and one op requested on it. */
const requestWithTtl = (ttlMs: number, random: () => number) => {
  const fake = createFakeEnvironment(random);
  const client = createClient({ origin: 'http://h:1', environment: fake.env, outbox: { ttlMs } });
  const board = client.channel('board');
  board.onMessage(() => {});
  fake.latest().serve();
  const op = { type: 'card.delete', op_id: 'o1', card_id: 'c' } as const;
  return { fake, board, op, given: board.request(op, { timeoutMs: 60_000 }) };
};

describe("a channel's requests and the ops it holds", () => {
  it('request() resolves on the matching ack and rejects on the matching error', async () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    board.onMessage(() => {});
    latest().serve();
    const ok = board.request({ type: 'card.delete', op_id: 'o1', card_id: 'c' });
    const bad = board.request({ type: 'card.delete', op_id: 'o2', card_id: 'd' });
    latest().receive({
      type: 'error',
      data: { code: 'not_found', message: 'no card d', op_id: 'o2' },
    });
    latest().receive({ type: 'ack', data: { op_id: 'o1', seq: 7 } });
    await expect(ok).resolves.toEqual({ op_id: 'o1', seq: 7 });
    await expect(bad).rejects.toMatchObject({ code: 'server_error', message: 'no card d' });
  });

  it('request() with an op_id already pending rejects `duplicate` unsent; the first still settles and lets the channel go', async () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    const op = { type: 'card.delete', op_id: 'o1', card_id: 'c' } as const;
    const first = board.request(op);
    const refused: string[] = [];
    board.request(op).catch((error: LivelineError) => refused.push(error.code));
    await vi.waitFor(() => expect(refused).toEqual(['duplicate']));
    latest().serve();
    expect(latest().messages()).toEqual([op]);
    latest().receive({ type: 'ack', data: { op_id: 'o1', seq: 1 } });
    await expect(first).resolves.toEqual({ op_id: 'o1', seq: 1 });
    expect(board.getState().status).toBe('idle');
  });

  it('S4 an op answered unavailable stays in the outbox and is sent again, same op_id, after a growing backoff until its ack', async () => {
    const fake = createFakeEnvironment(() => 1);
    const board = createClient({ origin: 'http://h:1', environment: fake.env }).channel('board');
    const errors: LivelineError[] = [];
    board.onError((e) => errors.push(e));
    board.onMessage(() => {});
    fake.latest().serve();
    const op = { type: 'card.delete', op_id: 'o1', card_id: 'c' } as const;
    const acked = board.request(op);
    const unavailable = { type: 'error', data: { code: 'unavailable', message: 'x', op_id: 'o1' } };
    fake.latest().receive(unavailable);
    // The reconnect backoff's window with random() = 1: 1 s for the first retry, 2 s for the next.
    vi.advanceTimersByTime(999);
    expect(fake.latest().messages()).toEqual([op]);
    vi.advanceTimersByTime(1);
    expect(fake.latest().messages()).toEqual([op, op]);
    fake.latest().receive(unavailable);
    vi.advanceTimersByTime(1999);
    expect(fake.latest().messages()).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(fake.latest().messages()).toEqual([op, op, op]);
    fake.latest().receive({ type: 'ack', data: { op_id: 'o1', seq: 3 } });
    await expect(acked).resolves.toEqual({ op_id: 'o1', seq: 3 });
    expect(errors.map((e) => e.code)).toEqual(['server_error', 'server_error']);
    vi.advanceTimersByTime(60_000);
    expect(fake.sockets.flatMap((socket) => socket.messages())).toHaveLength(3);
  });

  it('S4 an op answered unavailable and re-sent by a reconnect is not sent once more when its retry timer fires', () => {
    let random = 1;
    const fake = createFakeEnvironment(() => random);
    const board = createClient({ origin: 'http://h:1', environment: fake.env }).channel('board');
    board.onMessage(() => {});
    fake.latest().serve();
    const op = { type: 'card.delete', op_id: 'o1', card_id: 'c' } as const;
    void board.request(op, { timeoutMs: 60_000 });
    fake
      .latest()
      .receive({ type: 'error', data: { code: 'unavailable', message: 'x', op_id: 'o1' } });
    // The retry waits 1 s; the reconnect, with random() = 0, its 250 ms floor.
    random = 0;
    fake.latest().drop(1012);
    vi.advanceTimersByTime(250);
    expect(fake.sockets).toHaveLength(2);
    fake.latest().serve();
    expect(fake.latest().messages()).toEqual([op]);
    vi.advanceTimersByTime(750);
    expect(fake.sockets).toHaveLength(2);
    expect(fake.latest().messages()).toEqual([op]);
  });

  it('S4 an op answered, or dropped, while its re-send waits takes that re-send with it: no timer is left for it, and it no longer counts as queued', () => {
    const { client, latest } = setup({ outbox: { maxCount: 1 } });
    const board = client.channel('board');
    board.onMessage(() => {});
    latest().serve();
    const before = vi.getTimerCount();
    const unavailable = (op_id: string) =>
      latest().receive({ type: 'error', data: { code: 'unavailable', message: 'x', op_id } });
    board.send({ type: 'card.delete', op_id: 'o1', card_id: 'c' });
    unavailable('o1');
    expect(vi.getTimerCount()).toBe(before + 1);
    latest().receive({ type: 'ack', data: { op_id: 'o1', seq: 1 } });
    expect(vi.getTimerCount()).toBe(before);
    board.send({ type: 'card.delete', op_id: 'o2', card_id: 'c' });
    unavailable('o2');
    // The outbox holds one message: the next drops o2, whose re-send waits.
    board.send({ type: 'card.delete', op_id: 'o3', card_id: 'c' });
    expect(vi.getTimerCount()).toBe(before);
    expect(board.getState().queued).toBe(0);
  });

  it('S4 an op answered unavailable ends `expired` once past its ttlMs, checked before each re-send, and waits counted as queued', async () => {
    const { fake, board, op, given } = requestWithTtl(2500, () => 1);
    const unavailable = { type: 'error', data: { code: 'unavailable', message: 'x', op_id: 'o1' } };
    fake.latest().receive(unavailable);
    expect(board.getState().queued).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(fake.latest().messages()).toEqual([op, op]);
    expect(board.getState().queued).toBe(0);
    fake.latest().receive(unavailable);
    // The next re-send would be 2 s later, past the 2.5 s ttlMs: none is sent.
    vi.advanceTimersByTime(2000);
    expect(fake.latest().messages()).toHaveLength(2);
    expect(board.getState().queued).toBe(0);
    await expect(given).rejects.toMatchObject({ code: 'expired' });
  });

  it('S4 an op written on a socket that closed unanswered ends `timeout` at its ttlMs though the next socket answered unavailable: the first write may have been applied', async () => {
    let random = 0;
    const { fake, op, given } = requestWithTtl(1000, () => random);
    // Reconnected after the 250 ms floor (random() = 0), then its re-send waits 1 s: past ttlMs.
    fake.latest().drop(1012);
    vi.advanceTimersByTime(250);
    fake.latest().serve();
    random = 1;
    fake
      .latest()
      .receive({ type: 'error', data: { code: 'unavailable', message: 'x', op_id: 'o1' } });
    vi.advanceTimersByTime(1000);
    expect(fake.latest().messages()).toEqual([op]);
    await expect(given).rejects.toMatchObject({ code: 'timeout' });
  });

  it('S4 an op counts as queued while it waits to be written: held with no socket served, also once written on a socket that closed unanswered, and waiting to be sent again after unavailable, also when that earlier write may have been applied', () => {
    let random = 0;
    const { fake, board } = requestWithTtl(60_000, () => random);
    expect(board.getState().queued).toBe(0);
    fake.latest().drop(1012);
    expect(board.getState().queued).toBe(1);
    vi.advanceTimersByTime(250);
    fake.latest().serve();
    expect(board.getState().queued).toBe(0);
    random = 1;
    fake
      .latest()
      .receive({ type: 'error', data: { code: 'unavailable', message: 'x', op_id: 'o1' } });
    expect(board.getState().queued).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(fake.latest().messages()).toHaveLength(2);
    expect(board.getState().queued).toBe(0);
  });

  it('request() times out `expired` when its op was never written, `timeout` when it was written and may have been applied', async () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    const request = (op_id: string) =>
      board.request({ type: 'card.delete', op_id, card_id: 'c' }, { timeoutMs: 50 });
    const unsent = request('o1');
    vi.advanceTimersByTime(50);
    await expect(unsent).rejects.toMatchObject({ code: 'expired' });
    const sent = request('o2');
    latest().serve();
    expect(latest().messages()).toHaveLength(1);
    vi.advanceTimersByTime(50);
    await expect(sent).rejects.toMatchObject({ code: 'timeout' });
  });

  it('request() times out `timeout`, not `expired`, when its op was written but the outbox had no room to hold it', async () => {
    const { client, latest } = setup({ outbox: { maxCount: 1, overflow: 'reject' } });
    const board = client.channel('board');
    board.onMessage(() => {});
    latest().serve();
    const request = (op_id: string) =>
      board.request({ type: 'card.delete', op_id, card_id: 'c' }, { timeoutMs: 50 });
    const held = request('o1');
    const unheld = request('o2');
    expect(latest().messages()).toHaveLength(2);
    vi.advanceTimersByTime(50);
    await expect(held).rejects.toMatchObject({ code: 'timeout' });
    await expect(unheld).rejects.toMatchObject({ code: 'timeout' });
  });

  it('request() of an op written before the connection stopped times out `timeout`, as it may have been applied, never `stopped`: a stop settles no request', async () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    board.onMessage(() => {});
    latest().serve();
    const written = board.request(
      { type: 'card.delete', op_id: 'o1', card_id: 'c' },
      { timeoutMs: 50 },
    );
    expect(latest().messages()).toHaveLength(1);
    latest().drop(4403, 'forbidden');
    expect(board.getState()).toMatchObject({ status: 'closed', error: { code: 'stopped' } });
    vi.advanceTimersByTime(50);
    await expect(written).rejects.toMatchObject({ code: 'timeout' });
  });

  it('R9 re-sends an operation whose ack was lost to a disconnect, once per socket', () => {
    const { client, latest } = setup();
    const board = client.channel('board');
    board.onMessage(() => {});
    expect(board.send({ type: 'card.delete', op_id: 'o1', card_id: 'c' })).toBe('queued');
    latest().serve();
    expect(latest().sent).toHaveLength(1);
    latest().drop(1006);
    vi.runOnlyPendingTimers();
    latest().serve();
    expect(latest().messages()).toEqual([{ type: 'card.delete', op_id: 'o1', card_id: 'c' }]);
    latest().receive({ type: 'ack', data: { op_id: 'o1', duplicate: true } });
    latest().drop(1006);
    vi.runOnlyPendingTimers();
    latest().serve();
    expect(latest().sent).toEqual([]);
  });
});
