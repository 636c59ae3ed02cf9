import { closePolicy } from '@liveline/protocol';
import { LivelineError } from './errors.js';

/** How the last socket closed. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

interface Common {
  /** Consecutive failed attempts since the connection last worked. */
  readonly attempt: number;
  /** Messages waiting in the outbox. */
  readonly queued: number;
  /** How the last socket closed, if one did. */
  readonly lastClose: CloseInfo | null;
}

/** The one connection state union; only {@link transition} produces a new one. */
export type ConnectionState =
  | (Common & { readonly status: 'idle' | 'connecting' | 'open' | 'offline' })
  | (Common & {
      readonly status: 'reconnecting';
      /** When the next attempt starts, on the environment's `now()` clock. */
      readonly nextRetryAt: number;
      readonly error: LivelineError | null;
    })
  | (Common & { readonly status: 'closed'; readonly error: LivelineError });

/** A status of {@link ConnectionState}. */
export type ConnectionStatus = ConnectionState['status'];

/** Everything that can happen to a connection. */
export type ConnectionEvent =
  | { readonly type: 'connect'; readonly fresh: boolean }
  | { readonly type: 'open' }
  | { readonly type: 'alive' }
  | {
      readonly type: 'close';
      readonly code: number;
      readonly reason: string;
      /** When to retry; `null` when the retry budget is spent. */
      readonly retryAt: number | null;
      readonly error?: LivelineError;
    }
  | { readonly type: 'offline' }
  | { readonly type: 'release' }
  | { readonly type: 'queued'; readonly count: number };

/** The state before anything happened. */
export const INITIAL_STATE: ConnectionState = {
  status: 'idle',
  attempt: 0,
  queued: 0,
  lastClose: null,
};

const common = ({ attempt, queued, lastClose }: ConnectionState): Common => ({
  attempt,
  queued,
  lastClose,
});

/** The pure transition function; returns `state` itself when nothing changes. */
export function transition(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  const base = common(state);
  switch (event.type) {
    case 'connect':
      if (state.status === 'connecting' && !event.fresh) return state;
      return { ...base, status: 'connecting', attempt: event.fresh ? 0 : state.attempt };
    case 'open':
      return state.status === 'connecting' ? { ...base, status: 'open' } : state;
    case 'alive':
      return state.status === 'open' && state.attempt > 0 ? { ...state, attempt: 0 } : state;
    case 'close': {
      if (state.status !== 'connecting' && state.status !== 'open') return state;
      const lastClose = { code: event.code, reason: event.reason };
      const policy = closePolicy(event.code);
      // Rule K2: the protocol's table decides; the client never re-decides per code.
      if (policy.action === 'stop')
        return { ...base, status: 'closed', lastClose, error: stopped(event.code, policy.meaning) };
      if (event.retryAt === null)
        return { ...base, status: 'closed', lastClose, error: gaveUp(state.attempt + 1) };
      return {
        ...base,
        status: 'reconnecting',
        attempt: state.attempt + 1,
        lastClose,
        nextRetryAt: event.retryAt,
        error: event.error ?? null,
      };
    }
    case 'offline':
      return state.status === 'closed' || state.status === 'offline'
        ? state
        : { ...base, status: 'offline' };
    case 'release':
      return state.status === 'idle' ? state : { ...base, status: 'idle' };
    case 'queued':
      return state.queued === event.count ? state : { ...state, queued: event.count };
  }
}

const stopped = (code: number, meaning: string) =>
  new LivelineError('stopped', `closed with ${code}: ${meaning}`);
const gaveUp = (attempts: number) =>
  new LivelineError('gave_up', `gave up after ${attempts} failed attempts`);
