import { agentServerMessage, coordinatorServerMessage, workflowServerMessage } from './workflow.js';
import { boardClientMessage, boardServerMessage } from './board.js';
import {
  clientControlMessage,
  idSchema,
  serverControlVariants,
  type ClientControlMessage,
} from './common.js';
import { fillPath, type ParamSchemas, type PathParams } from './path.js';
import { tagged, type Infer, type Schema } from './schema.js';
import { clockStateSchema, transportClientMessage, transportServerMessage } from './transport.js';

/** How a route delivers: every message in order with replay (`ordered`), or only the newest (`latest`). */
export type Delivery = 'ordered' | 'latest';

/** A WebSocket route of the table. */
export interface WsRoute<P extends string = string, S = unknown, C = unknown> {
  readonly kind: 'ws';
  readonly path: P;
  readonly delivery: Delivery;
  /** Validators of the path parameters. */
  readonly params: ParamSchemas<P, Schema<string>>;
  /** Validators of the optional query parameters the route reads. */
  readonly query: Readonly<Record<string, Schema<string>>>;
  /** Validates every message the server sends on this route. */
  readonly server: Schema<S>;
  /** Validates every message a client may send on this route. */
  readonly client: Schema<C>;
  /** Parameters that make a working URL, used by `liveline doctor` and the docs. */
  readonly sample: PathParams<P>;
}

const none = {};

/** Builds a route; most routes are `latest`, take no params or query and only clock-sync probes. */
const ws = <P extends string, S, C = ClientControlMessage>(
  route: Pick<WsRoute<P, S, C>, 'path' | 'server'> & Partial<WsRoute<P, S, C>>,
): WsRoute<P, S, C> =>
  ({
    kind: 'ws',
    delivery: 'latest',
    params: none,
    query: none,
    client: clientControlMessage,
    sample: none,
    ...route,
  }) as WsRoute<P, S, C>;

const clockTyped = tagged('type', serverControlVariants);
/** Server messages of `/ws/transport/clock`: flat ticks, plus typed replies to probes. */
const clockServerMessage = (input: unknown, path: string) =>
  typeof input === 'object' && input !== null && 'type' in input
    ? clockTyped(input, path)
    : clockStateSchema(input, path);

/**
 * The WebSocket half of the route table (rule P1): everything a client needs to connect and to
 * validate what it hears, without the HTTP endpoints.
 */
export const wsRoutes = {
  workflow: ws({
    path: '/ws/workflow/:id',
    delivery: 'ordered',
    params: { id: idSchema },
    server: workflowServerMessage,
    sample: { id: 'pending' },
  }),
  coordinator: ws({ path: '/ws/coordinator', server: coordinatorServerMessage }),
  agent: ws({
    path: '/ws/agent/:name',
    params: { name: idSchema },
    server: agentServerMessage,
    sample: { name: 'screenwriter' },
  }),
  board: ws({
    path: '/ws/connect',
    delivery: 'ordered',
    query: { board_id: idSchema },
    server: boardServerMessage,
    client: boardClientMessage,
  }),
  general: ws({ path: '/ws', server: transportServerMessage }),
  transport: ws({
    path: '/ws/transport',
    server: transportServerMessage,
    client: transportClientMessage,
  }),
  clock: ws({ path: '/ws/transport/clock', server: clockServerMessage }),
} as const;

/** The names of the WebSocket routes. */
export type WsRouteName = keyof typeof wsRoutes;
/** The WebSocket route names, in table order. */
export const WS_ROUTE_NAMES = Object.keys(wsRoutes) as WsRouteName[];
/** A message the server sends on WebSocket route `R`. */
export type ServerMessage<R extends WsRouteName> = Infer<(typeof wsRoutes)[R]['server']>;
/** A message a client may send on WebSocket route `R`. */
export type ClientMessage<R extends WsRouteName> = Infer<(typeof wsRoutes)[R]['client']>;

/** Query parameters an ordered route reads to resume (rule R3). */
export const RESUME_QUERY = { epoch: 'epoch', seq: 'seq' } as const;

type WsParams<R extends WsRouteName> = PathParams<(typeof wsRoutes)[R]['path']>;

/** Options of {@link wsUrl}: the path parameters (required when the route has some) and a query. */
export type WsUrlOptions<R extends WsRouteName> = (keyof WsParams<R> extends never
  ? { params?: undefined }
  : { params: WsParams<R> }) & { query?: Readonly<Record<string, string | number>> };

/**
 * Builds the WebSocket URL of route `R` against an origin (`http://host:port` or `ws://…`), with
 * query parameters such as `board_id` or a resume position (rule P2).
 */
export function wsUrl<R extends WsRouteName>(
  origin: string,
  name: R,
  ...[options]: keyof WsParams<R> extends never ? [WsUrlOptions<R>?] : [WsUrlOptions<R>]
): string {
  const found = /^(https?|wss?):\/\/([^/?#]+)/i.exec(origin);
  if (!found)
    throw new TypeError(`expected an http(s) or ws(s) origin, got ${JSON.stringify(origin)}`);
  const secure = /^(https|wss)$/i.test(found[1] ?? '');
  const query = Object.entries(options?.query ?? {})
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  const path = fillPath(wsRoutes[name].path, options?.params ?? {});
  return `${secure ? 'wss' : 'ws'}://${found[2] ?? ''}${path}${query ? `?${query}` : ''}`;
}
