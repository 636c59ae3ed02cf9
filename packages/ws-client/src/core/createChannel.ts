import {
  checkSeq,
  parse,
  parseJson,
  RESUME_QUERY,
  wsRoutes,
  type ClientMessage,
  type ResumePosition,
  type Schema,
  type ServerMessage,
  type WsRouteName,
} from '@liveline/protocol';
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

/** Options of {@link Channel.send}. */
export interface SendOptions {
  /** Coalescing key: a newer queued message with the same key replaces this one. */
  readonly key?: string;
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
  /** Hears state changes; holds the connection open until unsubscribed. */
  readonly subscribe: (listener: () => void) => () => void;
  /** Hears every validated message; holds the connection open until unsubscribed. */
  onMessage(handler: (message: ServerMessage<R>) => void): () => void;
  /** Hears messages of one `type`; holds the connection open until unsubscribed. */
  on<T extends MessageType<R>>(type: T, handler: (message: MessageOf<R, T>) => void): () => void;
  /** Hears invalid frames, server `error`s and messages that will never be sent. */
  onError(handler: (error: LivelineError) => void): () => void;
  /** Sends now when open, else queues (messages with `op_id` are kept until acknowledged). */
  send(message: ClientMessage<R>, options?: SendOptions): SendResult;
  /** Sends a message with `op_id` and resolves on its `ack`, rejects on its `error` or timeout. */
  request(message: ClientMessage<R> & { op_id: string }, options?: RequestOptions): Promise<Ack>;
  /** The last applied position of an ordered route (rule R3). */
  resumePosition(): ResumePosition | null;
  /** Connects again now, also after the client gave up or was stopped. */
  reconnect(): void;
  /** Closes the socket and goes idle, whoever listens; `reconnect()` reopens it. */
  stop(): void;
}

interface Pending {
  resolve(ack: Ack): void;
  reject(error: LivelineError): void;
  timer: unknown;
  /** A request keeps the socket open until it settles. */
  release(): void;
}

/** A loose view of a validated message, to read the fields every route shares. */
interface Fields {
  type?: string;
  seq?: number;
  epoch?: string;
  data?: { op_id?: string; message?: string; code?: string };
}

const REQUEST_TIMEOUT_MS = 30_000;

/** Creates the channel for `url`; the client shares one per URL. */
export function createChannel<R extends WsRouteName>(
  route: R,
  url: string,
  env: Environment,
  options: ConnectionOptions = {},
  onState?: (state: ConnectionState) => void,
): Channel<R> {
  const ordered = wsRoutes[route].delivery === 'ordered';
  const schema: Schema<unknown> = wsRoutes[route].server;
  const handlers = new Set<(message: ServerMessage<R>) => void>();
  const errors = new Set<(error: LivelineError) => void>();
  const pending = new Map<string, Pending>();
  let position: ResumePosition | null = null;
  let refs = 0;

  const fail = (error: LivelineError) => errors.forEach((h) => h(error));
  const settle = (id: string | undefined, outcome: (p: Pending) => void) => {
    const p = id === undefined ? undefined : pending.get(id);
    if (!p || id === undefined) return;
    pending.delete(id);
    env.clearTimeout(p.timer);
    p.release();
    outcome(p);
  };

  /** Rules R3/R9: tracks the ordered stream; false when the message must not be delivered. */
  const track = ({ type, seq, epoch }: Fields): boolean => {
    if (!ordered || seq === undefined || epoch === undefined) return true;
    if (type === 'snapshot') position = { epoch, seq };
    if (type === 'snapshot' || type === 'resumed') return true;
    const verdict = position?.epoch === epoch ? checkSeq(position.seq, seq) : 'gap';
    if (verdict === 'apply') position = { epoch, seq };
    // A gap means a lost frame: reconnect and resume from the last applied seq.
    if (verdict === 'gap') loop.reconnect();
    return verdict === 'apply';
  };

  const receive = (raw: unknown) => {
    const json = parseJson(typeof raw === 'string' ? raw : '');
    const result = json.ok ? parse(schema, json.value) : json;
    if (!result.ok)
      return fail(
        new LivelineError('invalid_message', result.error.message, { cause: result.error }),
      );
    const message = result.value as ServerMessage<R>;
    const fields = message as Fields;
    if (!track(fields)) return;
    const id = fields.data?.op_id;
    if (fields.type === 'ack' && id !== undefined) {
      loop.ack(id);
      settle(id, (p) => p.resolve(fields.data as Ack));
    }
    if (fields.type === 'error') {
      if (id !== undefined) loop.ack(id);
      const error = new LivelineError('server_error', fields.data?.message ?? 'error', {
        cause: fields.data,
      });
      settle(id, (p) => p.reject(error));
      fail(error);
    }
    handlers.forEach((h) => h(message));
  };

  const resumeUrl = () =>
    ordered && position
      ? `${url}${url.includes('?') ? '&' : '?'}${RESUME_QUERY.epoch}=${encodeURIComponent(position.epoch)}&${RESUME_QUERY.seq}=${position.seq}`
      : url;

  const loop = createSocketLoop(
    env,
    {
      url: resumeUrl,
      message: receive,
      refresh: () => (position = null),
      drop(message, error) {
        settle(message.id, (p) => p.reject(error));
        if (error.code !== 'coalesced') fail(error);
      },
    },
    options,
  );

  if (onState) loop.store.subscribe(onState);

  /** Keeps the socket open until the returned release runs (once). */
  const retain = () => {
    if (++refs === 1) loop.start();
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      // A microtask of grace lets React StrictMode's unmount/remount reuse the socket.
      if (--refs === 0) queueMicrotask(() => refs === 0 && loop.stop());
    };
  };
  const listen = (handler: (message: ServerMessage<R>) => void) => {
    handlers.add(handler);
    const release = retain();
    return () => {
      handlers.delete(handler);
      release();
    };
  };

  const send = (message: ClientMessage<R>, opts: SendOptions = {}): SendResult => {
    const id = (message as { op_id?: unknown }).op_id;
    return loop.send({
      text: JSON.stringify(message),
      key: opts.key,
      id: typeof id === 'string' ? id : undefined,
    });
  };

  return {
    route,
    url,
    getState: () => loop.store.getState(),
    subscribe: (listener) => {
      const off = loop.store.subscribe(listener);
      const release = retain();
      return () => {
        off();
        release();
      };
    },
    onMessage: listen,
    on: (type, handler) =>
      listen((message) => {
        if ((message as Fields).type === type) handler(message as MessageOf<R, typeof type>);
      }),
    onError: (handler) => {
      errors.add(handler);
      return () => errors.delete(handler);
    },
    send,
    request: (message, opts = {}) =>
      new Promise<Ack>((resolve, reject) => {
        const id = message.op_id;
        const timer = env.setTimeout(() => {
          loop.ack(id);
          settle(id, (p) => p.reject(new LivelineError('timeout', `no reply to ${id}`)));
        }, opts.timeoutMs ?? REQUEST_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer, release: retain() });
        if (send(message, opts) === 'rejected')
          settle(id, (p) => p.reject(new LivelineError('dropped', 'outbox full')));
      }),
    resumePosition: () => position,
    reconnect: () => loop.reconnect(),
    stop: () => loop.stop(),
  };
}
