import { closePolicy } from '@liveline/protocol';
import { LivelineError } from './errors.js';

/** How the last socket closed. */
export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

interface Common {
  /** Consecutive failed attempts since the connection last worked (rule K6). */
  readonly attempt: number;
  /**
   * Messages waiting to be written: every one the outbox holds until a socket is served, then the
   * operations waiting to be sent again after `unavailable` (rule S4).
   */
  readonly queued: number;
  /** How the last socket closed, if one did. */
  readonly lastClose: CloseInfo | null;
}

/**
 * The one connection state union; only {@link transition} produces a new one. `open` means served:
 * the route delivered since the socket opened (rule K6), not only that its handshake succeeded.
 */
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
  /** The route delivered (rule K6): served, so the count of failed attempts starts again. */
  | { readonly type: 'open' }
  | {
      readonly type: 'close';
      readonly code: number;
      readonly reason: string;
      /** When to retry; `null` when the retry budget is spent. */
      readonly retryAt: number | null;
      readonly error?: LivelineError;
      /** Why the client stops whatever the close policy says (signed out). */
      readonly stop?: LivelineError;
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

/** The pure transition function; returns `state` itself when nothing changes. */
export function transition(state: ConnectionState, event: ConnectionEvent): ConnectionState {
  const { status, attempt, queued, lastClose } = state;
  const base = { attempt, queued, lastClose };
  switch (event.type) {
    case 'connect':
      if (status === 'connecting' && !event.fresh) return state;
      return { ...base, status: 'connecting', attempt: event.fresh ? 0 : attempt };
    case 'open':
      return status === 'connecting' ? { ...base, status: 'open', attempt: 0 } : state;
    case 'close': {
      if (status !== 'connecting' && status !== 'open') return state;
      const { code, reason, retryAt } = event;
      const closed = { ...base, lastClose: { code, reason } };
      const policy = closePolicy(code);
      // Rule K2: the protocol's table decides; the client never re-decides per code.
      if (policy.action === 'stop')
        return {
          ...closed,
          status: 'closed',
          error: new LivelineError('stopped', `closed with ${code}: ${policy.meaning}`),
        };
      if (retryAt === null || event.stop)
        return {
          ...closed,
          status: 'closed',
          error:
            event.stop ??
            new LivelineError('gave_up', `gave up after ${attempt + 1} failed attempts`),
        };
      return {
        ...closed,
        status: 'reconnecting',
        attempt: attempt + 1,
        nextRetryAt: retryAt,
        error: event.error ?? null,
      };
    }
    case 'offline':
      return status === 'closed' || status === 'offline' ? state : { ...base, status: 'offline' };
    case 'release':
      return status === 'idle' ? state : { ...base, status: 'idle' };
    case 'queued':
      return queued === event.count ? state : { ...state, queued: event.count };
  }
}
