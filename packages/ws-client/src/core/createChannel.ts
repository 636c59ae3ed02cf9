import {
  checkSeq,
  parse,
  parseEnvelope,
  parseJson,
  wsRoutes,
  type ClientMessage,
  type Envelope,
  type ResumePosition,
  type Schema,
  type ServerMessage,
  type WsRouteName,
} from '@liveline/protocol';
import { addListener, type Listeners } from './addListener.js';
import type { ConnectionState } from './connectionMachine.js';
import { createSocketLoop, type ConnectionOptions, type SendResult } from './createSocketLoop.js';
import type { Environment } from './environment.js';
import { LivelineError } from './errors.js';

type Typed<R extends WsRouteName> = Extract<ServerMessage<R>, { type: string }>;
/** The `type` of a message route `R` sends. */
export type MessageType<R extends WsRouteName> = Typed<R>['type'];
/** The message of route `R` whose `type` is `T`. */
export type MessageOf<R extends WsRouteName, T extends MessageType<R>> = Extract<
  ServerMessage<R>,
  { type: T }
>;
/** The payload of an `ack`. */
export type Ack = MessageOf<'board', 'ack'>['data'];

/** The server-message validators of every route, as the protocol's `wsMessages` holds them. */
export type ServerSchemas = {
  readonly [R in WsRouteName]: { readonly server: Schema<ServerMessage<R>> };
};

/** Options of {@link createChannel}: the connection's, and how inbound messages are checked. */
export interface ChannelOptions extends ConnectionOptions {
  /**
   * Validate every inbound message in full with its route's schema: pass the protocol's
   * `wsMessages` (in development, to catch server/client drift). Without it only the envelope is
   * checked (rule E3), and the schemas stay out of the bundle. @default undefined
   */
  readonly validate?: ServerSchemas | undefined;
}

/** Options of {@link Channel.send}. */
export interface SendOptions {
  /** Coalescing key: a newer queued message with the same key replaces this one. */
  readonly key?: string | undefined;
}

/** Options of {@link Channel.request}. */
export interface RequestOptions extends SendOptions {
  /** How long to wait for the `ack` or `error`, queued time included. @default 30000 */
  readonly timeoutMs?: number;
}

/** A typed, shared, reference-counted connection to one route URL. */
export interface Channel<R extends WsRouteName> {
  /** The route's name in the protocol table. */
  readonly route: R;
  /** The URL without the resume query. */
  readonly url: string;
  /** The connection state. */
  readonly getState: () => ConnectionState;
  /** Hears state changes; holds the connection open until unsubscribed, unless `passive`. */
  readonly subscribe: (listener: () => void, passive?: boolean) => () => void;
  /** Hears every validated message; holds the connection open until unsubscribed, unless `passive`. */
  onMessage(handler: (message: ServerMessage<R>) => void, passive?: boolean): () => void;
  /** Hears messages of one `type`; holds the connection open until unsubscribed. */
  on<T extends MessageType<R>>(type: T, handler: (message: MessageOf<R, T>) => void): () => void;
  /** Hears invalid frames, server `error`s and messages that will never be sent. */
  onError(handler: (error: LivelineError) => void): () => void;
  /** Sends now when open, else queues (messages with `op_id` are kept until acknowledged). */
  send(message: ClientMessage<R>, options?: SendOptions): SendResult;
  /**
   * Sends a message with `op_id` and resolves on its `ack`; rejects on its `error` (but
   * `unavailable`, S4), its timeout, its expiry or loss in the outbox, or at once, unsent, with
   * `duplicate` while a request with the same `op_id` is pending.
   */
  request(message: ClientMessage<R> & { op_id: string }, options?: RequestOptions): Promise<Ack>;
  /** The last applied position of an ordered route (rule R3). */
  resumePosition(): ResumePosition | null;
  /** Connects again now, also after the client gave up or was stopped. */
  reconnect(): void;
  /** Closes the socket and goes idle, whoever listens; `reconnect()` reopens it. */
  stop(): void;
}

/** What a channel reads from the `data` of an `ack` or `error` reply. */
interface ReplyData {
  readonly op_id?: string;
  readonly code?: string;
  readonly message?: string;
}

const REQUEST_TIMEOUT_MS = 30_000;

/**
 * Creates the channel for `url`; the client shares one per URL. `onHeld` hears `true` when the
 * channel gets its first holder, and `false` when its last holder left and its outbox is empty, so
 * dropping it loses nothing.
 */
export function createChannel<R extends WsRouteName>(
  route: R,
  url: string,
  env: Environment,
  options: ChannelOptions = {},
  onState?: (state: ConnectionState) => void,
  onHeld?: (held: boolean) => void,
): Channel<R> {
  const ordered = wsRoutes[route].delivery === 'ordered';
  const schema: Schema<unknown> | undefined = options.validate?.[route].server;
  const handlers: Listeners<(message: ServerMessage<R>) => void> = new Map();
  const errors: Listeners<(error: LivelineError) => void> = new Map();
  const watchers: Listeners<() => void> = new Map();
  /** Requests waiting for their reply, by `op_id`. */
  const pending = new Map<string, (reply: Ack | LivelineError) => void>();
  let position: ResumePosition | null = null;
  /** Gaps since an event last moved `position` on (rule R10). */
  let gaps = 0;
  let refs = 0;

  const fail = (error: LivelineError) => errors.forEach((h) => h(error));
  /** Settles the request waiting for `id`, if any; each request settles once. */
  const settle = (id: string, reply: Ack | LivelineError) => {
    const done = pending.get(id);
    pending.delete(id);
    done?.(reply);
  };

  /** Rules R3/R9: tracks the ordered stream; false when the message must not be delivered. */
  const track = ({ type, seq, epoch }: Envelope): boolean => {
    if (!ordered || seq === undefined || epoch === undefined || type === 'resumed') return true;
    const verdict =
      type === 'snapshot'
        ? 'apply'
        : position?.epoch === epoch
          ? checkSeq(position.seq, seq)
          : 'gap';
    if (verdict === 'apply') {
      position = { epoch, seq };
      if (type !== 'snapshot') gaps = 0;
    }
    // A gap means a lost frame: resume from the last applied seq, at once the first time; gaps
    // that recur before any event applies wait out the backoff, so a server that keeps
    // skipping a seq is not hammered.
    if (verdict === 'gap') loop.reconnect(gaps++);
    return verdict === 'apply';
  };

  const receive = (raw: unknown) => {
    const json = parseJson(typeof raw === 'string' ? raw : '');
    const result = !json.ok ? json : schema ? parse(schema, json.value) : parseEnvelope(json.value);
    if (!result.ok)
      return fail(
        new LivelineError('invalid_message', result.error.message, { cause: result.error }),
      );
    const message = result.value as ServerMessage<R>;
    const fields = message as Envelope & { readonly data?: ReplyData };
    if (!track(fields)) return;
    const { type, data } = fields;
    const error =
      type === 'error'
        ? new LivelineError('server_error', data?.message ?? 'error', { cause: data })
        : null;
    const id = data?.op_id;
    // An op answered `unavailable` (storage or broker away) stays held and is sent again (S4).
    if (id !== undefined && data?.code === 'unavailable') loop.retry(id);
    else if (id !== undefined && (error || type === 'ack')) {
      loop.ack(id);
      settle(id, error ?? (data as Ack));
    }
    if (error) fail(error);
    handlers.forEach((h) => h(message));
    // Rule K6: a board greeting and a time_sync reply come before a join an outage refuses (1013).
    return ordered ? 'seq' in fields : type !== 'time_sync';
  };

  const loop = createSocketLoop(
    env,
    {
      // The resume parameters spelled as RESUME_QUERY names them: its import costs bundle bytes, and
      // createChannel.test checks that they agree.
      url: () =>
        position
          ? `${url}${url.includes('?') ? '&' : '?'}epoch=${encodeURIComponent(position.epoch)}&seq=${position.seq}`
          : url,
      message: receive,
      refresh: () => (position = null),
      drop(message, error) {
        if (message.id !== undefined) settle(message.id, error);
        if (error.code !== 'coalesced') fail(error);
      },
    },
    options,
  );

  loop.store.subscribe((state) => {
    onState?.(state);
    watchers.forEach((w) => w());
  });

  /** Closes an unheld channel. Nobody kept the stream's state, so the next holder needs a
   * snapshot, not a resume from a position whose events nobody will have applied (rule R3). */
  const release = () => {
    loop.stop();
    position = null;
    if (!loop.holds()) onHeld?.(false);
  };
  /** Keeps the socket open until the returned release runs (once). */
  const retain = () => {
    if (++refs === 1) {
      onHeld?.(true);
      loop.start();
    }
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      // A microtask of grace lets React StrictMode's unmount/remount reuse the socket.
      if (--refs === 0) queueMicrotask(() => refs === 0 && release());
    };
  };
  /** Adds `listener` and, unless `passive`, keeps the socket open until the returned function removes it. */
  const hold = <T>(listeners: Listeners<T>, listener: T, passive?: boolean) => {
    const remove = addListener(listeners, listener);
    if (passive) return remove;
    const release = retain();
    return () => {
      remove();
      release();
    };
  };

  const send = (message: ClientMessage<R>, { key }: SendOptions = {}): SendResult => {
    const id = (message as { op_id?: unknown }).op_id;
    return loop.send({
      text: JSON.stringify(message),
      key,
      id: typeof id === 'string' ? id : undefined,
    });
  };

  return {
    route,
    url,
    getState: () => loop.store.getState(),
    subscribe: (listener, passive) => hold(watchers, listener, passive),
    onMessage: (handler, passive) => hold(handlers, handler, passive),
    on: (type, handler) =>
      hold(handlers, (message) => {
        if ((message as Envelope).type === type) handler(message as MessageOf<R, typeof type>);
      }),
    onError: (handler) => addListener(errors, handler),
    send,
    request: (message, opts = {}) =>
      new Promise<Ack>((resolve, reject) => {
        const id = message.op_id;
        // A second resolver for the id would replace the first, which would never settle.
        if (pending.has(id)) throw new LivelineError('duplicate', `${id} is already pending`);
        const release = retain();
        // `timeout`: written, unanswered, maybe applied; `expired`: never written, so not applied.
        const timer = env.setTimeout(
          () =>
            settle(
              id,
              // Not held at all, it was written untracked (the outbox refused it): maybe applied.
              new LivelineError(loop.ack(id) === 0 ? 'expired' : 'timeout', `no reply to ${id}`),
            ),
          opts.timeoutMs ?? REQUEST_TIMEOUT_MS,
        );
        pending.set(id, (reply) => {
          env.clearTimeout(timer);
          release();
          if (reply instanceof LivelineError) reject(reply);
          else resolve(reply);
        });
        if (send(message, opts) === 'rejected')
          settle(id, new LivelineError('dropped', 'outbox full'));
      }),
    resumePosition: () => position,
    reconnect: () => loop.reconnect(),
    stop: () => loop.stop(),
  };
}
