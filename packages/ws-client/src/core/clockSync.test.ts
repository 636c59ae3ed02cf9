import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeEnvironment, type FakeSocket } from '../test-utils/fakeEnvironment.js';
import { createClockSync } from './clockSync.js';
import { createClient } from './createClient.js';

beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
afterEach(() => vi.useRealTimers());

const SKEW_MS = 5000;
const tick = (over: object = {}) => ({
  playing: true,
  time_seconds: 10,
  sample_pos: 441_000,
  bpm: 120,
  beat_pos: 20,
  timestamp_ms: Date.now() + SKEW_MS,
  loop_enabled: false,
  loop_start_seconds: 0,
  loop_end_seconds: 0,
  ...over,
});

/** A server SKEW_MS ahead that answers each probe after `up` ms out and `down` ms back. */
const answer = (socket: FakeSocket, up: number, down: number) => {
  const probe = socket.messages().at(-1) as { id: number; t0: number };
  vi.advanceTimersByTime(up);
  const t1 = Date.now() + SKEW_MS;
  vi.advanceTimersByTime(down);
  socket.receive({ type: 'time_sync', data: { id: probe.id, t0: probe.t0, t1, t2: t1 } });
};

const setup = () => {
  const fake = createFakeEnvironment();
  const client = createClient({ origin: 'http://h:1', environment: fake.env });
  const sync = createClockSync(client.channel('clock'), { now: fake.env.now, probes: 3 });
  const renders = vi.fn();
  sync.subscribe(renders);
  fake.latest().serve();
  return { ...fake, sync, renders };
};

describe('clock sync', () => {
  it('T1 estimates the offset from the lowest-RTT probe', () => {
    const { latest, sync } = setup();
    answer(latest(), 300, 20); // asymmetric and slow: error of 140 ms
    answer(latest(), 5, 5); // fast: exact
    answer(latest(), 100, 100);
    expect(sync.getState()).toMatchObject({ offsetMs: SKEW_MS, rttMs: 10 });
    expect(latest().messages()).toHaveLength(3);
  });

  it('T1 re-estimates from scratch after each reconnect', () => {
    const { latest, sync } = setup();
    answer(latest(), 5, 5);
    latest().drop(1012);
    vi.runOnlyPendingTimers();
    latest().serve();
    for (let i = 0; i < 3; i++) answer(latest(), 40, 40);
    expect(sync.getState().rttMs).toBe(80);
  });

  it('T1 after a reconnect, slower probes leave the estimate standing until the round has its best', () => {
    const { latest, sync, renders } = setup();
    for (let i = 0; i < 3; i++) answer(latest(), 5, 5);
    latest().drop(1012);
    vi.runOnlyPendingTimers();
    latest().serve();
    renders.mockClear();
    answer(latest(), 300, 20); // congested and asymmetric: 140 ms off
    answer(latest(), 40, 40);
    expect(renders).not.toHaveBeenCalled();
    expect(sync.getState()).toMatchObject({ offsetMs: SKEW_MS, rttMs: 10 });
    answer(latest(), 100, 100);
    expect(sync.getState()).toMatchObject({ offsetMs: SKEW_MS, rttMs: 80 });
    expect(renders).toHaveBeenCalledOnce();
  });

  it('T1 probes: 0 sends one probe per open, and after a reconnect its answer ends the round even when slower', () => {
    const fake = createFakeEnvironment();
    const client = createClient({ origin: 'http://h:1', environment: fake.env });
    const sync = createClockSync(client.channel('clock'), { now: fake.env.now, probes: 0 });
    sync.subscribe(() => {});
    fake.latest().serve();
    answer(fake.latest(), 5, 5);
    fake.latest().drop(1012);
    vi.runOnlyPendingTimers();
    fake.latest().serve();
    answer(fake.latest(), 40, 40);
    expect(fake.latest().messages()).toHaveLength(1);
    expect(sync.getState()).toMatchObject({ offsetMs: SKEW_MS, rttMs: 80 });
  });

  it('C2 extrapolates the playhead from the newest tick on the server clock', () => {
    const { latest, sync } = setup();
    answer(latest(), 5, 5);
    latest().receive(tick());
    vi.advanceTimersByTime(500);
    expect(sync.position()).toBeCloseTo(10.5, 3);
  });

  it('C2 draws no playhead until the first probe is answered: the device clock is SKEW_MS behind', () => {
    const { latest, sync } = setup();
    latest().receive(tick());
    expect(sync.position()).toBeNull();
    answer(latest(), 5, 5);
    expect(sync.position()).toBeCloseTo(10.01, 3);
  });

  it('publishes a tick only when the transport changed (play, seek, tempo), not every tick', () => {
    const { latest, renders, sync } = setup();
    renders.mockClear();
    latest().receive(tick());
    for (let i = 1; i <= 30; i++) {
      vi.advanceTimersByTime(33);
      latest().receive(tick({ time_seconds: 10 + (i * 33) / 1000 }));
    }
    expect(renders).toHaveBeenCalledTimes(1);
    latest().receive(tick({ time_seconds: 42 }));
    latest().receive(tick({ time_seconds: 42, playing: false }));
    expect(renders).toHaveBeenCalledTimes(3);
    expect(sync.getState().anchor?.playing).toBe(false);
  });

  it('T1 a client with measureClock lists RTT and offset per route, measuring only while held', async () => {
    const fake = createFakeEnvironment();
    const client = createClient({
      origin: 'http://h:1',
      environment: fake.env,
      measureClock: true,
    });
    const agent = client.channel('agent', { params: { name: 'editor' } });
    const clockOf = () => client.connections.getState()[agent.url]?.clock;
    expect(fake.sockets).toHaveLength(0);
    const off = agent.subscribe(() => {});
    fake.latest().serve();
    answer(fake.latest(), 30, 10);
    answer(fake.latest(), 5, 5);
    expect(clockOf()).toMatchObject({ offsetMs: SKEW_MS, rttMs: 10 });
    off();
    await Promise.resolve();
    expect(agent.getState().status).toBe('idle');
  });

  it('T1 the page and measureClock share one sync per channel: one round of probes per open', async () => {
    const fake = createFakeEnvironment();
    const client = createClient({
      origin: 'http://h:1',
      environment: fake.env,
      measureClock: true,
    });
    const clock = client.channel('clock');
    const sync = client.clockSync(clock);
    expect(client.clockSync(clock)).toBe(sync);
    const off = sync.subscribe(() => {});
    fake.latest().serve();
    for (let i = 0; i < 5; i++) answer(fake.latest(), 5, 5);
    vi.advanceTimersByTime(1000);
    expect(fake.latest().messages()).toHaveLength(5);
    expect(client.connections.getState()[clock.url]?.clock).toMatchObject({ rttMs: 10 });
    // The page's subscription is what held the channel; diagnostics alone do not.
    off();
    await Promise.resolve();
    expect(clock.getState().status).toBe('idle');
  });

  it('gives each subscription its own token: a stale unsubscribe never removes a newer one', () => {
    const { latest, sync } = setup();
    const heard = vi.fn();
    const stale = sync.subscribe(heard);
    stale();
    sync.subscribe(heard);
    stale();
    latest().receive(tick());
    expect(heard).toHaveBeenCalledTimes(1);
  });

  it('T1 a probe that is no better than the best so far changes nothing', () => {
    const { latest, sync, renders } = setup();
    answer(latest(), 5, 5);
    renders.mockClear();
    answer(latest(), 50, 50);
    expect(renders).not.toHaveBeenCalled();
    expect(sync.getState().rttMs).toBe(10);
  });
});
