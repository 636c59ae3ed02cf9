import { HEARTBEAT_TIMEOUT_MS, restartReason, SUBPROTOCOL } from '@liveline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeEnvironment, seededRandom } from '../test-utils/fakeEnvironment.js';
import {
  createSocketLoop,
  type ConnectionOptions,
  type SocketLoopHooks,
} from './createSocketLoop.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const setup = (options: ConnectionOptions = {}, hooks: Partial<SocketLoopHooks> = {}) => {
  const fake = createFakeEnvironment(() => 0.5);
  const received: unknown[] = [];
  const loop = createSocketLoop(
    fake.env,
    { url: () => 'ws://x/ws', message: (d) => received.push(d) > 0, ...hooks },
    options,
  );
  loop.start();
  return { ...fake, loop, received, status: () => loop.store.getState().status };
};

describe('socket loop', () => {
  it('K6 offers the liveline subprotocol and is open once the route serves, not at the handshake', () => {
    const { latest, status } = setup({}, { message: (data) => data !== 'greeting' });
    expect(latest().protocols).toBe(SUBPROTOCOL);
    expect(status()).toBe('connecting');
    latest().accept();
    latest().receive('greeting');
    expect(status()).toBe('connecting');
    latest().receive('served');
    expect(status()).toBe('open');
  });

  it('K6 closes a socket heard from but not served within HEARTBEAT_TIMEOUT_MS of its handshake, 4408 "not served in time", and retries', () => {
    const { latest, sockets, loop } = setup({}, { message: (data) => data !== 'heartbeat' });
    latest().accept();
    vi.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS - 1000);
    latest().receive('heartbeat');
    vi.advanceTimersByTime(999);
    expect(loop.store.getState().status).toBe('connecting');
    vi.advanceTimersByTime(1);
    const closed = { code: 4408, reason: 'not served in time' };
    expect(loop.store.getState()).toMatchObject({ status: 'reconnecting', lastClose: closed });
    expect(sockets[0]?.closedWith).toEqual(closed);
  });

  it('closes a socket whose handshake does not finish within connectTimeoutMs, 4408 "connect timeout"', () => {
    const { sockets, loop } = setup({ connectTimeoutMs: 1000 });
    vi.advanceTimersByTime(1000);
    const closed = { code: 4408, reason: 'connect timeout' };
    expect(loop.store.getState()).toMatchObject({ status: 'reconnecting', lastClose: closed });
    expect(sockets[0]?.closedWith).toEqual(closed);
  });

  it('K2 retries 1012 after the backoff delay, with a new socket', () => {
    const { latest, sockets, loop, status } = setup();
    latest().serve();
    latest().drop(1012, 'restart');
    const state = loop.store.getState();
    expect(state).toMatchObject({ status: 'reconnecting', attempt: 1, lastClose: { code: 1012 } });
    vi.advanceTimersByTime(749); // floor 250 + phase 0.5·1000 (the first window)
    expect(sockets).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(sockets).toHaveLength(2);
    expect(status()).toBe('connecting');
  });

  it('K4 after a restart (1012) retries keep one phase on the period the server asked for, then grow', () => {
    const { latest, loop } = setup({ backoff: { restartMs: 3000 } });
    const delay = () => {
      const state = loop.store.getState();
      return state.status === 'reconnecting' ? state.nextRetryAt - Date.now() : null;
    };
    latest().serve();
    latest().drop(1012, restartReason(2000));
    expect(delay()).toBe(250 + 0.5 * 2000); // floor, then a random phase within the period
    vi.advanceTimersByTime(1250);
    latest().drop(1006);
    expect(delay()).toBe(2000);
    vi.advanceTimersByTime(2000);
    latest().drop(1006);
    expect(delay()).toBe(2000);
    // 3 s after the first slot the schedule is over: the window grows with the attempt count.
    vi.advanceTimersByTime(2000);
    latest().drop(1006);
    expect(delay()).toBe(250 + 0.5 * (8000 - 250));
  });

  it('K4 keeps the period within [baseMs, capMs] and ends the schedule once a socket opens', () => {
    const { latest, loop } = setup();
    const delay = () => {
      const state = loop.store.getState();
      return state.status === 'reconnecting' ? state.nextRetryAt - Date.now() : null;
    };
    latest().serve();
    latest().drop(1012, restartReason(60_000));
    expect(delay()).toBe(250 + 0.5 * 10_000);
    vi.advanceTimersByTime(5250);
    latest().accept();
    latest().drop(1006);
    // The usual window of a second failure, not the 10 s period.
    expect(delay()).toBe(250 + 0.5 * (2000 - 250));
  });

  it('K4 an unannounced drop (1006) grows the window from the second retry', () => {
    const { latest, loop } = setup();
    latest().serve();
    latest().drop(1006);
    vi.advanceTimersByTime(625);
    latest().drop(1006);
    const state = loop.store.getState();
    expect(state.status === 'reconnecting' && state.nextRetryAt - Date.now()).toBe(
      250 + 0.5 * (2000 - 250),
    );
  });

  it('K2 stops on 4404 and surfaces the reason; reconnect() still works', () => {
    const { latest, sockets, loop, status } = setup();
    latest().drop(4404, 'no such agent');
    vi.advanceTimersByTime(60_000);
    expect(sockets).toHaveLength(1);
    const state = loop.store.getState();
    expect(state.status === 'closed' && state.error.message).toMatch(/4404/);
    loop.reconnect();
    expect(sockets).toHaveLength(2);
    expect(status()).toBe('connecting');
  });

  it('K2 refresh (4409) drops what the close invalidated, then retries', () => {
    const refresh = vi.fn();
    const { latest, status } = setup({}, { refresh });
    latest().drop(4409, 'resume conflict');
    expect(refresh).toHaveBeenCalledOnce();
    expect(status()).toBe('reconnecting');
  });

  it('gives up after maxRetries, and reconnect() works after giving up (reconnecting-websocket #125)', () => {
    const { latest, sockets, loop, status } = setup({ maxRetries: 2 });
    for (let i = 0; i < 3; i++) {
      latest().drop(1006);
      vi.runOnlyPendingTimers();
    }
    expect(status()).toBe('closed');
    expect(sockets).toHaveLength(3);
    loop.reconnect();
    latest().serve();
    expect(loop.store.getState()).toMatchObject({ status: 'open', attempt: 0 });
  });

  it('keeps retrying when the URL provider throws (reconnecting-websocket #134)', () => {
    let fail = true;
    const { sockets, status, loop } = setup(
      {},
      {
        url: () => {
          if (fail) throw new Error('no token');
          return 'ws://x/ws';
        },
      },
    );
    expect(status()).toBe('reconnecting');
    expect(loop.store.getState()).toMatchObject({ error: { code: 'connect_failed' } });
    fail = false;
    vi.runOnlyPendingTimers();
    expect(sockets).toHaveLength(1);
  });

  it('times out a hanging handshake even when close() throws (reconnecting-websocket #183)', () => {
    const { latest, sockets, status } = setup({ connectTimeoutMs: 1000 });
    latest().close = () => {
      throw new Error('ws: invalid close code');
    };
    vi.advanceTimersByTime(1000);
    expect(status()).toBe('reconnecting');
    vi.runOnlyPendingTimers();
    expect(sockets).toHaveLength(2);
  });

  it('K6 writes nothing before the route serves, then flushes the outbox in order before the state says open', () => {
    const { latest, loop } = setup();
    expect(loop.send({ text: 'a' })).toBe('queued');
    expect(loop.send({ text: 'b' })).toBe('queued');
    expect(loop.store.getState().queued).toBe(2);
    let sentWhenOpen: string[] = [];
    loop.store.subscribe((s) => {
      if (s.status === 'open') sentWhenOpen = [...latest().sent];
    });
    latest().accept();
    expect(latest().sent).toEqual([]);
    expect(loop.send({ text: 'c' })).toBe('queued');
    latest().receive('served');
    expect(sentWhenOpen).toEqual(['a', 'b', 'c']);
    expect(loop.send({ text: 'd' })).toBe('sent');
    expect(loop.store.getState().queued).toBe(0);
  });

  it('S4 queued counts a message held while the served socket is closing, before its close event', () => {
    const { latest, loop } = setup();
    latest().serve();
    latest().readyState = 2;
    expect(loop.send({ text: 'a' })).toBe('queued');
    expect(loop.store.getState()).toMatchObject({ status: 'open', queued: 1 });
  });

  it('reports rejected when the outbox refuses a message (reconnecting-websocket #147)', () => {
    const { loop } = setup({ outbox: { maxCount: 1, overflow: 'reject' } });
    loop.send({ text: 'a' });
    expect(loop.send({ text: 'b' })).toBe('rejected');
  });

  it('H2 declares a silent socket dead at the heartbeat deadline and reconnects', () => {
    const { latest, sockets, loop } = setup();
    latest().serve();
    vi.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS - 1000);
    latest().receive({ type: 'heartbeat', data: { server_time: 1 } });
    vi.advanceTimersByTime(HEARTBEAT_TIMEOUT_MS - 1);
    expect(loop.store.getState().status).toBe('open');
    vi.advanceTimersByTime(1);
    expect(loop.store.getState()).toMatchObject({
      status: 'reconnecting',
      lastClose: { code: 4408 },
    });
    expect(sockets[0]?.closedWith?.code).toBe(4408);
  });

  it('H2 detects a dead socket at once when a throttled tab becomes visible', () => {
    const { latest, signal, status } = setup();
    latest().serve();
    // A hidden tab's timers did not run, but the clock moved on.
    vi.setSystemTime(Date.now() + HEARTBEAT_TIMEOUT_MS + 5000);
    signal('visible');
    expect(status()).toBe('reconnecting');
  });

  it('closes at once when offline, waits, and retries now when online', () => {
    const { latest, sockets, signal, status } = setup();
    latest().serve();
    signal('offline');
    expect(status()).toBe('offline');
    expect(sockets[0]?.closedWith).toEqual({ code: 1000, reason: 'offline' });
    vi.advanceTimersByTime(120_000);
    expect(sockets).toHaveLength(1);
    signal('online');
    expect(sockets).toHaveLength(2);
  });

  it('retries now instead of waiting out the backoff when the tab becomes visible', () => {
    const { latest, sockets, signal } = setup();
    latest().drop(1006);
    signal('visible');
    expect(sockets).toHaveLength(2);
  });

  it('ignores events from a superseded socket', () => {
    const { latest, sockets, loop, received } = setup();
    const first = latest();
    first.accept();
    loop.reconnect();
    first.receive('late');
    first.drop(4404);
    expect(received).toEqual([]);
    expect(loop.store.getState().status).toBe('connecting');
    expect(sockets).toHaveLength(2);
  });

  it('draws jitter per socket: two sockets on one page retry at different times', () => {
    const fake = createFakeEnvironment();
    const loops = [0, 1].map(() =>
      createSocketLoop(fake.env, { url: () => 'ws://x', message: () => {} }),
    );
    loops.forEach((l) => l.start());
    fake.sockets.forEach((s) => s.drop(1006));
    const [a, b] = loops.map((l) => l.store.getState());
    expect(
      a?.status === 'reconnecting' &&
        b?.status === 'reconnecting' &&
        a.nextRetryAt !== b.nextRetryAt,
    ).toBe(true);
  });

  it('S4 stop() cancels a re-send waiting after unavailable: the stopped loop leaves no timer and reports nothing later', () => {
    const drop = vi.fn();
    const { latest, loop } = setup({ outbox: { ttlMs: 500 } }, { drop });
    latest().serve();
    loop.send({ text: 'op', id: 'o1' });
    loop.retry('o1');
    loop.stop();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(60_000);
    expect(drop).not.toHaveBeenCalled();
    expect(latest().sent).toEqual(['op']);
  });

  it('stop() closes the socket, goes idle and stops listening', () => {
    const { latest, loop, listeners } = setup();
    latest().serve();
    loop.stop();
    expect(latest().closedWith?.code).toBe(1000);
    expect(loop.store.getState().status).toBe('idle');
    expect(listeners.size).toBe(0);
  });
});

/**
 * 1000 socket loops on one fake network; the server closes them all with 1012 and `reason` at
 * t = 0 and refuses connections until `downMs`. Returns when each loop was open again, in ms
 * after the restart, and how many sockets they opened.
 */
const restartStorm = (
  downMs: number,
  { reason = 'server restarting', ...options }: ConnectionOptions & { reason?: string } = {},
): { back: number[]; attempts: number } => {
  const fake = createFakeEnvironment(seededRandom(42));
  const loops = Array.from({ length: 1000 }, () =>
    createSocketLoop(fake.env, { url: () => 'ws://x/ws', message: () => true }, options),
  );
  loops.forEach((loop) => loop.start());
  fake.sockets.forEach((socket) => socket.serve());
  const restartAt = Date.now();
  let answered = fake.sockets.length;
  fake.sockets.forEach((socket) => socket.drop(1012, reason));
  const back: number[] = [];
  while (back.length < loops.length && Date.now() - restartAt < 120_000) {
    vi.advanceTimersByTime(10);
    for (const socket of fake.sockets.slice(answered)) {
      if (Date.now() - restartAt < downMs) socket.drop(1006);
      else {
        socket.serve();
        back.push(Date.now() - restartAt);
      }
    }
    answered = fake.sockets.length;
  }
  loops.forEach((loop) => loop.stop());
  return { back, attempts: fake.sockets.length - loops.length };
};

/** The busiest 100 ms of reconnects against the mean rate from first to last (as the bench counts). */
const peakToMean = (back: number[]): number => {
  const buckets = new Map<number, number>();
  for (const t of back)
    buckets.set(Math.floor(t / 100), (buckets.get(Math.floor(t / 100)) ?? 0) + 1);
  const spanMs = Math.max(100, Math.max(...back) - Math.min(...back));
  return (Math.max(...buckets.values()) * 10) / ((back.length * 1000) / spanMs);
};

describe('K4 restart storm: 1000 clients, a server down for a while after 1012', () => {
  it.each([300, 1500, 3000, 6000])(
    'all are back within one window and no 100 ms sees more than 1.5x the mean reconnect rate (down %i ms)',
    (downMs) => {
      const { back } = restartStorm(downMs);
      expect(back).toHaveLength(1000);
      expect(Math.max(...back)).toBeLessThanOrEqual(downMs + 1000);
      expect(peakToMean(back)).toBeLessThanOrEqual(1.5);
    },
  );

  it.each([300, 3000])(
    'a window the server asks for spreads them over it, with fewer failed attempts (down %i ms)',
    (downMs) => {
      const asked = restartStorm(downMs, { reason: restartReason(4000) });
      expect(asked.back).toHaveLength(1000);
      expect(Math.max(...asked.back)).toBeGreaterThan(downMs + 3500);
      expect(Math.max(...asked.back)).toBeLessThanOrEqual(downMs + 4000);
      expect(peakToMean(asked.back)).toBeLessThanOrEqual(1.6);
      expect(asked.attempts).toBeLessThan(restartStorm(downMs).attempts);
    },
  );

  it('a window that grows while the server is down bunches them at its return', () => {
    const { back } = restartStorm(1500, { backoff: { restartMs: 0 } });
    expect(back).toHaveLength(1000);
    expect(peakToMean(back)).toBeGreaterThan(3);
  });
});
