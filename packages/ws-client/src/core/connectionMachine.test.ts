import { describe, expect, it } from 'vitest';
import {
  INITIAL_STATE,
  transition,
  type ConnectionEvent,
  type ConnectionState,
  type ConnectionStatus,
} from './connectionMachine.js';
import { LivelineError } from './errors.js';

const base = { attempt: 2, queued: 1, lastClose: { code: 1006, reason: '' } };
const states: Record<ConnectionStatus, ConnectionState> = {
  idle: { ...base, status: 'idle' },
  connecting: { ...base, status: 'connecting' },
  open: { ...base, status: 'open' },
  reconnecting: { ...base, status: 'reconnecting', nextRetryAt: 5, error: null },
  offline: { ...base, status: 'offline' },
  closed: { ...base, status: 'closed', error: new LivelineError('stopped', 'x') },
};
const events: Record<string, ConnectionEvent> = {
  connect: { type: 'connect', fresh: false },
  fresh: { type: 'connect', fresh: true },
  open: { type: 'open' },
  retryable: { type: 'close', code: 1012, reason: 'restart', retryAt: 100 },
  fatal: { type: 'close', code: 4404, reason: 'not found', retryAt: 100 },
  exhausted: { type: 'close', code: 1006, reason: '', retryAt: null },
  offline: { type: 'offline' },
  release: { type: 'release' },
};
// Expected status after each event (in the order of `events`), per starting status; '=' means the
// very same object comes back.
const table: Record<ConnectionStatus, string> = {
  idle: 'connecting connecting = = = = offline =',
  connecting: '= connecting open reconnecting closed closed offline idle',
  open: 'connecting connecting = reconnecting closed closed offline idle',
  reconnecting: 'connecting connecting = = = = offline idle',
  offline: 'connecting connecting = = = = = idle',
  closed: 'connecting connecting = = = = = idle',
};

describe('transition', () => {
  for (const [from, row] of Object.entries(table))
    for (const [index, expected] of row.split(' ').entries()) {
      const name = Object.keys(events)[index] ?? '';
      it(`${from} + ${name} → ${expected === '=' ? 'unchanged' : expected}`, () => {
        const before = states[from as ConnectionStatus];
        const after = transition(before, events[name] as ConnectionEvent);
        if (expected === '=') expect(after).toBe(before);
        else expect(after.status).toBe(expected);
      });
    }

  it('K2 counts attempts, records the close and the retry time', () => {
    const next = transition(states.open, events.retryable as ConnectionEvent);
    expect(next).toMatchObject({ status: 'reconnecting', attempt: 3, nextRetryAt: 100 });
    expect(next.lastClose).toEqual({ code: 1012, reason: 'restart' });
  });

  it('K2 surfaces the reason of a stopping close, and gave_up when retries ran out', () => {
    const stopped = transition(states.open, events.fatal as ConnectionEvent);
    expect(stopped.status === 'closed' && stopped.error.code).toBe('stopped');
    expect(stopped.status === 'closed' && stopped.error.message).toMatch(/4404: not found/);
    const exhausted = transition(states.open, events.exhausted as ConnectionEvent);
    expect(exhausted.status === 'closed' && exhausted.error.code).toBe('gave_up');
  });

  it('K6 resets the attempt count on a fresh connect and once the route serves (open)', () => {
    expect(transition(states.closed, { type: 'connect', fresh: true }).attempt).toBe(0);
    expect(transition(states.connecting, events.open as ConnectionEvent).attempt).toBe(0);
  });

  it('changes the queued count only when it differs', () => {
    expect(transition(INITIAL_STATE, { type: 'queued', count: 0 })).toBe(INITIAL_STATE);
    expect(transition(INITIAL_STATE, { type: 'queued', count: 3 }).queued).toBe(3);
  });
});
