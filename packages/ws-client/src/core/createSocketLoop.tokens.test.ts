import { SUBPROTOCOL } from '@liveline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeEnvironment } from '../test-utils/fakeEnvironment.js';
import { createSocketLoop, type ConnectionOptions } from './createSocketLoop.js';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

/** A socket loop whose `getToken` the test scripts; `settle` lets its promise resolve. */
const setup = (getToken: NonNullable<ConnectionOptions['getToken']>) => {
  const fake = createFakeEnvironment(() => 0.5);
  const loop = createSocketLoop(
    fake.env,
    { url: () => 'ws://x/ws', message: () => {} },
    { getToken },
  );
  loop.start();
  const settle = () => vi.advanceTimersByTimeAsync(0);
  return { ...fake, loop, settle, state: () => loop.store.getState() };
};

describe('tokens (rule A10)', () => {
  it('A10 asks for a token before each connect and offers it as liveline.auth.<token> beside liveline.v1', async () => {
    let n = 0;
    const { latest, sockets, settle, state } = setup(() => `t${++n}`);
    expect(state().status).toBe('connecting');
    await settle();
    expect(latest().protocols).toEqual([SUBPROTOCOL, 'liveline.auth.t1']);
    latest().accept();
    latest().drop(1006);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sockets.map((s) => s.protocols)).toEqual([
      [SUBPROTOCOL, 'liveline.auth.t1'],
      [SUBPROTOCOL, 'liveline.auth.t2'],
    ]);
  });

  it('A10 null stops the socket with the reason "signed out" and starts no retry', async () => {
    const { sockets, settle, state } = setup(() => null);
    await settle();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(0);
    expect(state()).toMatchObject({
      status: 'closed',
      lastClose: { code: 4401, reason: 'signed out' },
      error: { code: 'signed_out' },
    });
  });

  it('A10 a token provider that throws is one failed attempt that goes through backoff', async () => {
    const getToken = vi.fn<() => Promise<string>>().mockRejectedValueOnce(new Error('offline'));
    getToken.mockResolvedValue('t');
    const { sockets, settle, state } = setup(getToken);
    await settle();
    expect(state()).toMatchObject({
      status: 'reconnecting',
      attempt: 1,
      error: { code: 'connect_failed' },
    });
    expect(sockets).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(625);
    expect(sockets).toHaveLength(1);
  });

  it('A10 two 4401s with no socket heard from in between stop the loop; a heard socket ends the streak', async () => {
    const getToken = vi.fn(() => 't');
    const { latest, sockets, settle, state } = setup(getToken);
    await settle();
    latest().accept();
    latest().receive({ type: 'heartbeat', data: { server_time: 1 } });
    latest().drop(4401, 'token expired');
    expect(state().status).toBe('reconnecting');
    await vi.advanceTimersByTimeAsync(1000);
    // A browser refused at the handshake sees the upgrade accepted, then 4401 at once.
    latest().accept();
    latest().drop(4401, 'token expired');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sockets).toHaveLength(2);
    expect(getToken).toHaveBeenCalledTimes(2);
    expect(state()).toMatchObject({
      status: 'closed',
      lastClose: { code: 4401, reason: 'token expired' },
      error: { code: 'signed_out' },
    });
  });

  it('A10 a token that arrives after stop() opens nothing', async () => {
    let resolve: (token: string) => void = () => {};
    const { loop, sockets, settle, state } = setup(() => new Promise<string>((r) => (resolve = r)));
    await settle();
    loop.stop();
    resolve('late');
    await settle();
    expect(sockets).toHaveLength(0);
    expect(state().status).toBe('idle');
  });

  it('A10 the token is offered, yet never reaches the console, the state, an error or the socket URL', async () => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.secret-claims.secret-signature';
    const printed: unknown[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const)
      vi.spyOn(console, method).mockImplementation((...args) => void printed.push(args));
    const { latest, loop, sockets, settle } = setup(() => token);
    const states: string[] = [];
    loop.store.subscribe(() => states.push(JSON.stringify(loop.store.getState())));
    await settle();
    latest().accept();
    latest().receive({ type: 'heartbeat', data: { server_time: 1 } });
    latest().drop(4401, 'token expired');
    await vi.advanceTimersByTimeAsync(1000);
    latest().accept();
    latest().drop(4401, 'token expired');
    await vi.advanceTimersByTimeAsync(60_000);
    vi.restoreAllMocks();
    expect(sockets.map((s) => s.protocols)).toEqual([
      [SUBPROTOCOL, `liveline.auth.${token}`],
      [SUBPROTOCOL, `liveline.auth.${token}`],
    ]);
    expect(states.at(-1)).toContain('signed_out');
    expect(states.join('\n')).not.toContain('secret');
    expect(JSON.stringify(printed)).not.toContain('secret');
    expect(sockets.map((s) => s.url).join(' ')).not.toContain('secret');
  });
});
