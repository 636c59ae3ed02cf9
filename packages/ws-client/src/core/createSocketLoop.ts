import {
  AUTH_SUBPROTOCOL_PREFIX,
  closePolicy,
  HEARTBEAT_TIMEOUT_MS,
  restartSpreadMs,
  SUBPROTOCOL,
} from '@liveline/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';
import {
  backoff,
  DEFAULT_BACKOFF,
  nextRestartSlot,
  restartSchedule,
  type BackoffOptions,
  type RestartSchedule,
} from './backoff.js';
import {
  INITIAL_STATE,
  transition,
  type ConnectionEvent,
  type ConnectionState,
} from './connectionMachine.js';
import type { Environment, EnvironmentSignal, WebSocketLike } from './environment.js';
import { LivelineError } from './errors.js';
import { createOutbox, type OutboxMessage, type OutboxOptions } from './outbox.js';

/** Options shared by every connection of a client. */
export interface ConnectionOptions {
  /** Retry delays; what is left out keeps its default. @default DEFAULT_BACKOFF */
  readonly backoff?: Partial<BackoffOptions>;
  /** Outbox bounds. @default DEFAULT_OUTBOX */
  readonly outbox?: Partial<OutboxOptions>;
  /**
   * Silence after which an open socket is declared dead (rule H2), and how long after its handshake
   * a socket may wait for its route to serve (K6). @default HEARTBEAT_TIMEOUT_MS
   */
  readonly heartbeatTimeoutMs?: number;
  /** How long a handshake may take. @default 10000 */
  readonly connectTimeoutMs?: number;
  /** Failed attempts before giving up; `reconnect()` still works after. @default Infinity */
  readonly maxRetries?: number;
  /**
   * The token of the next attempt, asked before each connect (and so after each `4401`): `null`
   * signs out (closed, "signed out"), a throw counts as a failed attempt. Never logged.
   * @default undefined (no token offered)
   */
  readonly getToken?: (() => Promise<string | null> | string | null) | undefined;
}

/** What {@link SocketLoop.send} did with a message. */
export type SendResult = 'sent' | 'queued' | 'rejected';

/** Hooks through which a socket loop talks to the layer above. */
export interface SocketLoopHooks {
  /** The URL of the next attempt; may throw, which counts as a failed attempt. */
  url(): string;
  /**
   * A frame from the current socket; true when it proves the route serves (rule K6): the state
   * becomes `open`, the outbox is written, and the count of failed attempts starts again.
   */
  message(data: unknown): boolean | void;
  /** The close policy asked to drop what the close invalidated (e.g. the resume position). */
  refresh?(): void;
  /** A queued message will never be sent. */
  drop?(message: OutboxMessage, error: LivelineError): void;
}

/** One self-healing WebSocket: state store, outbox, backoff, watchdog and browser signals. */
export interface SocketLoop {
  /** The connection state, observable. */
  readonly store: StoreApi<ConnectionState>;
  /** Starts connecting when idle. */
  start(): void;
  /** Closes the socket and returns to `idle`. */
  stop(): void;
  /**
   * Drops the socket and connects again, whatever the state, also after giving up: now, or after
   * the backoff of `failures` earlier failures (rule R10).
   */
  reconnect(failures?: number): void;
  /** Writes a message now when open, else queues it. */
  send(message: OutboxMessage): SendResult;
  /** Forgets operation `id` (answered, or given up on); more than 0 when it may have been applied. */
  ack(id: string): number | undefined;
  /**
   * Sends operation `id`, answered `unavailable`, again with the same `op_id` after a backoff that
   * grows with each retry, unless it is past its `ttlMs` by then (rule S4).
   */
  retry(id: string): void;
  /** Whether the outbox holds a message to write or an operation waiting for its ack. */
  holds(): boolean;
}

const CONNECT_TIMEOUT_MS = 10_000;
const OPEN = 1;

/**
 * Creates a socket loop. It owns its reconnect loop instead of wrapping reconnecting-websocket;
 * docs/decisions.md says why.
 */
export function createSocketLoop(
  env: Environment,
  hooks: SocketLoopHooks,
  options: ConnectionOptions = {},
): SocketLoop {
  const {
    heartbeatTimeoutMs = HEARTBEAT_TIMEOUT_MS,
    connectTimeoutMs = CONNECT_TIMEOUT_MS,
    maxRetries = Infinity,
  } = options;
  const retry: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
  const store = createStore<ConnectionState>(() => INITIAL_STATE);
  const status = () => store.getState().status;
  /**
   * The re-sends waiting after `unavailable`, by op id (rule S4), each of an op the outbox holds:
   * an answer or a drop cancels its re-send. The end of their socket cancels them all: the next
   * socket's flush writes every held op, and a stopped loop acts on nothing.
   */
  const resends = new Map<unknown, unknown>();
  /** Cancels the re-send of op `id`, if one waits. */
  const unsend = (id: unknown) => {
    env.clearTimeout(resends.get(id));
    resends.delete(id);
  };
  /**
   * Applies `event` (without one, only counts again), then counts what waits to be written in the
   * state it led to: every held message until a socket is served (or once it is closing), then the
   * ops waiting to be sent again after `unavailable`, also one an earlier socket may have applied
   * (it is sent again too).
   */
  const dispatch = (event?: ConnectionEvent) => {
    let next = store.getState();
    if (event) next = transition(next, event);
    const count =
      next.status === 'open' && socket?.readyState === OPEN ? resends.size : outbox.size();
    store.setState(transition(next, { type: 'queued', count }), true);
  };
  const outbox = createOutbox(options.outbox, (message, error) => {
    unsend(message.id);
    hooks.drop?.(message, error);
    dispatch();
  });

  let socket: WebSocketLike | null = null;
  let timer: unknown;
  /** Bumped whenever the current attempt is abandoned, so a token that arrives late is ignored. */
  let attempts = 0;
  /** `4401`s since a socket was last heard from; the second stops the loop (rule A10). */
  let refusals = 0;
  /** The retry schedule after an open socket heard a restart, until a socket opens again (rule K4). */
  let restart: RestartSchedule | null = null;
  /**
   * When the current socket is dead unless its handshake succeeds (connecting), its route serves
   * (handshaken), or it is heard from again (open).
   */
  let deadline = 0;
  let unlisten: (() => void) | null = null;

  /** Whether a message may be written now: the socket is open and served (not only handshaken). */
  const writable = () => socket?.readyState === OPEN && status() === 'open';

  /** Cancels the pending timer and every waiting re-send. */
  const cancel = () => {
    env.clearTimeout(timer);
    resends.forEach((_, id) => unsend(id));
  };

  const wake = (at: number, run: () => void) => {
    env.clearTimeout(timer);
    timer = env.setTimeout(run, Math.max(0, at - env.now()));
  };

  /** Cancels the pending timer and detaches the socket so its late events are ignored, then closes it. */
  const detach = (code: number, reason: string) => {
    cancel();
    attempts++;
    const old = socket;
    socket = null;
    if (!old) return;
    // Its `onerror` stays (`dial` set it): `ws` throws an 'error' nobody listens to when a
    // handshake is aborted.
    old.onopen = old.onmessage = old.onclose = null;
    try {
      old.close(code, reason);
    } catch {
      // A socket that cannot close (reconnecting-websocket #183) is already detached; nothing leaks.
    }
  };

  /** Rule H2: compares the clock against the deadline, so a throttled timer only fires late, never wrongly. */
  const watch = () => {
    if (!socket) return;
    if (env.now() < deadline) return wake(deadline, watch);
    // Handshaken but never served, the socket reached the server but its route did not deliver
    // (a join that hangs): neither its connect nor a heartbeat timed out.
    const reason =
      status() === 'open'
        ? 'heartbeat timeout'
        : socket.readyState === OPEN
          ? 'not served in time'
          : 'connect timeout';
    detach(4408, reason);
    closed(4408, reason);
  };

  const closed = (code: number, reason: string, error?: LivelineError) => {
    // The dead socket's watchdog and re-sends must not outlive it (nor keep a Node process up).
    cancel();
    socket = null;
    if (!env.isOnline()) return goOffline();
    const policy = closePolicy(code);
    if (policy.action === 'refresh') hooks.refresh?.();
    const now = env.now();
    if (policy.restarting && status() === 'open')
      restart = restartSchedule(now, restartSpreadMs(reason), env.random, retry);
    const { attempt } = store.getState();
    const delayed =
      restart && now < restart.until
        ? nextRestartSlot(restart, now + retry.floorMs)
        : now + backoff(attempt, env.random, retry);
    const retryAt = attempt < maxRetries ? delayed : null;
    dispatch({
      type: 'close',
      code,
      reason,
      retryAt,
      ...(error && { error }),
      // Rule A10, 4401 (CloseCode.Unauthorized) as a literal like 4410 below. A browser refused at
      // the handshake sees an open socket closed at once, so only a socket heard from ends a streak.
      ...(code === 4401 &&
        ++refusals > 1 && { stop: new LivelineError('signed_out', 'signed out') }),
    });
    const next = store.getState();
    if (next.status === 'reconnecting') wake(next.nextRetryAt, connect);
  };

  const goOffline = () => {
    detach(1000, 'offline');
    dispatch({ type: 'offline' });
  };

  /** A throwing URL or token provider or constructor is one failed attempt, not the end (reconnecting-websocket #134). */
  const failed = (cause: unknown) =>
    closed(
      1006,
      'could not connect',
      new LivelineError('connect_failed', String(cause), { cause }),
    );

  const connect = (fresh = false) => {
    detach(1000, 'reconnecting');
    dispatch({ type: 'connect', fresh });
    const { getToken } = options;
    if (!getToken) return dial(SUBPROTOCOL);
    const mine = attempts;
    // A microtask later, so a provider that throws at once rejects like one that fails later.
    void Promise.resolve()
      .then(getToken)
      .then(
        (token) => {
          if (mine !== attempts) return;
          if (token !== null) return dial([SUBPROTOCOL, AUTH_SUBPROTOCOL_PREFIX + token]);
          // No token signs out as a refused new token does: closed, no retry.
          refusals = 1;
          closed(4401, 'signed out');
        },
        (cause: unknown) => mine === attempts && failed(cause),
      );
  };

  const dial = (protocols: string | string[]) => {
    let next: WebSocketLike;
    try {
      next = new env.WebSocket(hooks.url(), protocols);
    } catch (cause) {
      return failed(cause);
    }
    socket = next;
    const heard = () => (deadline = env.now() + heartbeatTimeoutMs);
    next.onopen = () => {
      restart = null;
      heard();
      watch();
    };
    next.onmessage = (event) => {
      refusals = 0;
      // Open once served (K6), not at the handshake: only then is the outbox written, so nothing
      // goes out on a socket whose join an outage refuses (1013), and "open" never shows before.
      if (hooks.message(event.data) && socket === next && status() === 'connecting') {
        outbox.flush(env.now(), (text) => next.send(text));
        dispatch({ type: 'open' });
      }
      // Until served, the handshake's deadline stands: heartbeats and a greeting prove the server
      // alive, not the route serving, and must not keep a hung join `connecting` for ever (K6).
      if (status() === 'open') heard();
    };
    next.onclose = (event) => {
      // Only the current socket may change the state; a superseded one is already accounted for.
      if (socket === next) closed(event.code, event.reason);
    };
    next.onerror = () => {};
    deadline = env.now() + connectTimeoutMs;
    wake(deadline, watch);
  };

  const onSignal = (signal: EnvironmentSignal) => {
    const now = status();
    if (signal === 'offline') {
      if (now !== 'idle' && now !== 'closed') goOffline();
    } else if (now === 'offline' || now === 'reconnecting') connect();
    else if (signal === 'visible') watch();
  };

  return {
    store,
    start() {
      if (status() !== 'idle') return;
      unlisten = env.onSignal(onSignal);
      if (env.isOnline()) connect();
      else dispatch({ type: 'offline' });
    },
    stop() {
      unlisten?.();
      unlisten = null;
      detach(1000, 'released');
      dispatch({ type: 'release' });
    },
    reconnect(failures = 0) {
      unlisten ??= env.onSignal(onSignal);
      if (!failures) return connect(true);
      // 4410 (CloseCode.SequenceGap) as a literal: naming it would bundle the whole CloseCode table.
      detach(4410, 'sequence gap');
      const retryAt = env.now() + backoff(failures - 1, env.random, retry);
      dispatch({ type: 'close', code: 4410, reason: 'sequence gap', retryAt });
      wake(retryAt, connect);
    },
    send(message) {
      if (writable()) {
        socket?.send(message.text);
        if (message.id !== undefined) outbox.push(message, env.now(), 1);
        return 'sent';
      }
      const result = outbox.push(message, env.now(), 0);
      dispatch();
      return result;
    },
    ack(id) {
      unsend(id);
      const sent = outbox.ack(id);
      dispatch();
      return sent;
    },
    retry(id) {
      const held = outbox.find(id);
      if (!held) return;
      // This write was not applied (S4): with no other write unanswered it ends `expired` once past
      // its ttlMs, checked before each re-send, instead of being sent again for ever. It counts as
      // queued until sent again.
      held.sent--;
      resends.set(
        id,
        env.setTimeout(
          () => {
            // An op the expiry drops has its re-send cancelled, so the delete answers false.
            outbox.expire(env.now());
            if (resends.delete(id) && writable()) {
              socket?.send(held.text);
              held.sent++;
            }
            dispatch();
          },
          backoff(held.tries++, env.random, retry),
        ),
      );
      dispatch();
    },
    holds: () => outbox.size() > 0,
  };
}
