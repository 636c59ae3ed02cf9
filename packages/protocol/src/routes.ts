import {
  agentListResponseSchema,
  agentServerMessage,
  coordinatorServerMessage,
  createWorkflowRequestSchema,
  workflowListResponseSchema,
  workflowResponseSchema,
  workflowServerMessage,
} from './workflow.js';
import {
  boardClientMessage,
  boardOpResponseSchema,
  boardOpSchema,
  boardResponseSchema,
  boardServerMessage,
} from './board.js';
import { clientControlMessage, epochSchema, idSchema, serverControlVariants } from './common.js';
import { healthSchema } from './health.js';
import {
  array,
  nullable,
  object,
  oneOf,
  string,
  tagged,
  ValidationError,
  type Infer,
  type Schema,
} from './schema.js';
import {
  clockStateSchema,
  transportClientMessage,
  transportCommandSchema,
  transportServerMessage,
} from './transport.js';

/** The parameters named by `:name` segments of a path pattern. */
export type PathParams<P extends string> = P extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & PathParams<`/${Rest}`>
  : P extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

/** How an ordered route delivers: every message in order with replay (`ordered`), or only the newest (`latest`). */
export type Delivery = 'ordered' | 'latest';

/** A WebSocket route of the table. */
export interface WsRoute<P extends string = string, S = unknown, C = unknown> {
  readonly kind: 'ws';
  readonly path: P;
  readonly delivery: Delivery;
  readonly description: string;
  /** Validators of the path parameters. */
  readonly params: { readonly [K in keyof PathParams<P>]: Schema<string> };
  /** Validators of the optional query parameters the route reads. */
  readonly query: Readonly<Record<string, Schema<string>>>;
  /** Validates every message the server sends on this route. */
  readonly server: Schema<S>;
  /** Validates every message a client may send on this route. */
  readonly client: Schema<C>;
  /** Parameters that make a working URL, used by `liveline doctor` and the docs. */
  readonly sample: PathParams<P>;
}

/** An HTTP endpoint of the table. */
export interface HttpRoute<P extends string = string, Req = unknown, Res = unknown> {
  readonly kind: 'http';
  readonly method: 'GET' | 'POST';
  readonly path: P;
  readonly description: string;
  readonly params: { readonly [K in keyof PathParams<P>]: Schema<string> };
  /** Validates the JSON request body; `null` for endpoints without one. */
  readonly request: Schema<Req> | null;
  /** Validates the successful JSON response body. */
  readonly response: Schema<Res>;
}

const ws = <P extends string, S, C>(route: Omit<WsRoute<P, S, C>, 'kind'>): WsRoute<P, S, C> => ({
  kind: 'ws',
  ...route,
});
const http = <P extends string, Req, Res>(
  route: Omit<HttpRoute<P, Req, Res>, 'kind'>,
): HttpRoute<P, Req, Res> => ({ kind: 'http', ...route });

const clockTyped = tagged('type', serverControlVariants);
/** Server messages of `/ws/transport/clock`: flat ticks, plus typed replies to probes. */
const clockServerMessage = (input: unknown, path: string) =>
  typeof input === 'object' && input !== null && 'type' in input
    ? clockTyped(input, path)
    : clockStateSchema(input, path);

/** The reply of `GET /api/routes`: what this server serves. */
export const routeListResponseSchema = object({
  routes: array(
    object({
      name: string(),
      kind: oneOf(['ws', 'http']),
      method: nullable(oneOf(['GET', 'POST'])),
      path: string(),
      delivery: nullable(oneOf(['ordered', 'latest'])),
      description: string(),
    }),
  ),
});

/** The body of every HTTP error reply. */
export const httpErrorSchema = object({
  error: object({
    code: string({ max: 64 }),
    message: string({ max: 2000 }),
    field: nullable(string({ max: 200 })),
  }),
});
/** The body of every HTTP error reply. */
export type HttpError = Infer<typeof httpErrorSchema>;

const transportResponseSchema = object({ state: clockStateSchema });
const noParams = {};

/**
 * The route table: every WebSocket route and HTTP endpoint a Liveline server serves (rule P1).
 * The server registers handlers from it and refuses to start if one is missing; clients build
 * every URL from it.
 */
export const routes = {
  workflow: ws({
    path: '/ws/workflow/:id',
    delivery: 'ordered',
    description: 'Progress of one Idea2Video/Script2Video run; ids not started yet wait for it.',
    params: { id: idSchema },
    query: {},
    server: workflowServerMessage,
    client: clientControlMessage,
    sample: { id: 'pending' },
  }),
  coordinator: ws({
    path: '/ws/coordinator',
    delivery: 'latest',
    description: 'Pipeline coordinator metrics, broadcast at a steady rate.',
    params: noParams,
    query: {},
    server: coordinatorServerMessage,
    client: clientControlMessage,
    sample: {},
  }),
  agent: ws({
    path: '/ws/agent/:name',
    delivery: 'latest',
    description: 'Live status of one pipeline agent.',
    params: { name: idSchema },
    query: {},
    server: agentServerMessage,
    client: clientControlMessage,
    sample: { name: 'screenwriter' },
  }),
  board: ws({
    path: '/ws/connect',
    delivery: 'ordered',
    description: 'Agent Kanban board: greeting, snapshot, ordered board events, operations.',
    params: noParams,
    query: { board_id: idSchema },
    server: boardServerMessage,
    client: boardClientMessage,
    sample: {},
  }),
  general: ws({
    path: '/ws',
    delivery: 'latest',
    description: 'DAW transport state at 30 Hz (read-only).',
    params: noParams,
    query: {},
    server: transportServerMessage,
    client: clientControlMessage,
    sample: {},
  }),
  transport: ws({
    path: '/ws/transport',
    delivery: 'latest',
    description: 'DAW transport state at 30 Hz and transport commands.',
    params: noParams,
    query: {},
    server: transportServerMessage,
    client: transportClientMessage,
    sample: {},
  }),
  clock: ws({
    path: '/ws/transport/clock',
    delivery: 'latest',
    description: 'DAW playhead clock: flat state at 30 Hz for smooth playheads.',
    params: noParams,
    query: {},
    server: clockServerMessage,
    client: clientControlMessage,
    sample: {},
  }),
  health: http({
    method: 'GET',
    path: '/health',
    description: 'Liveness, database state, protocol version and per-route counters.',
    params: noParams,
    request: null,
    response: healthSchema,
  }),
  routeList: http({
    method: 'GET',
    path: '/api/routes',
    description: 'The route table this server serves.',
    params: noParams,
    request: null,
    response: routeListResponseSchema,
  }),
  workflowCreate: http({
    method: 'POST',
    path: '/api/workflows',
    description: 'Start a workflow from an idea or a script.',
    params: noParams,
    request: createWorkflowRequestSchema,
    response: workflowResponseSchema,
  }),
  workflowList: http({
    method: 'GET',
    path: '/api/workflows',
    description: 'Recent workflows, newest first.',
    params: noParams,
    request: null,
    response: workflowListResponseSchema,
  }),
  workflowGet: http({
    method: 'GET',
    path: '/api/workflows/:id',
    description: 'One workflow with its stages and artifacts.',
    params: { id: idSchema },
    request: null,
    response: workflowResponseSchema,
  }),
  workflowCancel: http({
    method: 'POST',
    path: '/api/workflows/:id/cancel',
    description: 'Cancel a queued or running workflow.',
    params: { id: idSchema },
    request: null,
    response: workflowResponseSchema,
  }),
  agentList: http({
    method: 'GET',
    path: '/api/agents',
    description: 'Every agent with its live status.',
    params: noParams,
    request: null,
    response: agentListResponseSchema,
  }),
  boardGet: http({
    method: 'GET',
    path: '/api/boards/:id',
    description: 'A board and the stream position it is current at.',
    params: { id: idSchema },
    request: null,
    response: boardResponseSchema,
  }),
  boardOp: http({
    method: 'POST',
    path: '/api/boards/:id/ops',
    description: 'Apply one board operation (idempotent by op_id).',
    params: { id: idSchema },
    request: boardOpSchema,
    response: boardOpResponseSchema,
  }),
  transportGet: http({
    method: 'GET',
    path: '/api/transport',
    description: 'The DAW transport state.',
    params: noParams,
    request: null,
    response: transportResponseSchema,
  }),
  transportCommand: http({
    method: 'POST',
    path: '/api/transport',
    description: 'Send one transport command.',
    params: noParams,
    request: transportCommandSchema,
    response: transportResponseSchema,
  }),
} as const;

/** The route table's type. */
export type Routes = typeof routes;
/** The name of any route. */
export type RouteName = keyof Routes;
/** The names of the WebSocket routes. */
export type WsRouteName = { [K in RouteName]: Routes[K] extends WsRoute ? K : never }[RouteName];
/** The names of the HTTP endpoints. */
export type HttpRouteName = Exclude<RouteName, WsRouteName>;
/** The path parameters of route `R`. */
export type RouteParams<R extends RouteName> = PathParams<Routes[R]['path']>;
/** A message the server sends on WebSocket route `R`. */
export type ServerMessage<R extends WsRouteName> = Infer<Routes[R]['server']>;
/** A message a client may send on WebSocket route `R`. */
export type ClientMessage<R extends WsRouteName> = Infer<Routes[R]['client']>;
/** The successful response body of HTTP endpoint `R`. */
export type HttpResponse<R extends HttpRouteName> = Infer<Routes[R]['response']>;
/** The request body of HTTP endpoint `R` (`null` when it takes none). */
export type HttpRequest<R extends HttpRouteName> =
  Routes[R]['request'] extends Schema<infer T> ? T : null;

/** Every route name, in table order. */
export const ROUTE_NAMES = Object.keys(routes) as RouteName[];
/** The WebSocket route names, in table order. */
export const WS_ROUTE_NAMES = ROUTE_NAMES.filter((n) => routes[n].kind === 'ws') as WsRouteName[];

/** Query parameters an ordered route reads to resume (rule R3). */
export const RESUME_QUERY = { epoch: 'epoch', seq: 'seq' } as const;

type ParamsArg<R extends RouteName> = keyof RouteParams<R> extends never ? [] : [RouteParams<R>];

/** Builds the path of route `R` with its parameters filled in and encoded (rule P2). */
export function routePath<R extends RouteName>(name: R, ...[params]: ParamsArg<R>): string {
  const values = (params ?? {}) as Record<string, string>;
  return routes[name].path.replace(/:([A-Za-z_]+)/g, (_, key: string) =>
    encodeURIComponent(values[key] ?? ''),
  );
}

/** Options of {@link wsUrl}: the path parameters (required when the route has some) and a query. */
export type WsUrlOptions<R extends WsRouteName> = (keyof RouteParams<R> extends never
  ? { params?: undefined }
  : { params: RouteParams<R> }) & { query?: Readonly<Record<string, string | number>> };

/**
 * Builds the WebSocket URL of route `R` against an origin (`http://host:port` or `ws://…`), with
 * query parameters such as `board_id` or a resume position (rule P2).
 */
export function wsUrl<R extends WsRouteName>(
  origin: string,
  name: R,
  ...[options]: keyof RouteParams<R> extends never ? [WsUrlOptions<R>?] : [WsUrlOptions<R>]
): string {
  const params = (options?.params ?? {}) as RouteParams<R>;
  const found = /^(https?|wss?):\/\/([^/?#]+)/i.exec(origin);
  if (!found)
    throw new TypeError(`expected an http(s) or ws(s) origin, got ${JSON.stringify(origin)}`);
  const secure = /^(https|wss)$/i.test(found[1] ?? '');
  const query = Object.entries(options?.query ?? {})
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  const path = routePath(name, ...([params] as ParamsArg<R>));
  return `${secure ? 'wss' : 'ws'}://${found[2] ?? ''}${path}${query ? `?${query}` : ''}`;
}

/** A path matched against the table. */
export type RouteMatch =
  | { readonly ok: true; readonly name: RouteName; readonly params: Record<string, string> }
  | { readonly ok: false; readonly reason: 'no_route' }
  | {
      readonly ok: false;
      readonly reason: 'method_not_allowed';
      readonly allowed: readonly string[];
    }
  | { readonly ok: false; readonly reason: 'bad_param'; readonly error: ValidationError };

const compiled = ROUTE_NAMES.map((name) => {
  const route: WsRoute | HttpRoute = routes[name];
  const keys: string[] = [];
  const source = route.path.replace(/:([A-Za-z_]+)/g, (_, key: string) => {
    keys.push(key);
    return '([^/]+)';
  });
  return { name, route, keys, regex: new RegExp(`^${source}$`) };
});

/**
 * Matches a request against the table (rule P3): `ws` finds WebSocket routes, `GET`/`POST` find
 * HTTP endpoints. Parameters are decoded and validated; a bad one is reported with its name.
 */
export function matchRoute(target: 'ws' | 'GET' | 'POST', pathname: string): RouteMatch {
  const allowed: string[] = [];
  for (const { name, route, keys, regex } of compiled) {
    const found = regex.exec(pathname);
    if (!found) continue;
    const expected = route.kind === 'ws' ? 'ws' : route.method;
    if (expected !== target) {
      allowed.push(expected);
      continue;
    }
    const params: Record<string, string> = {};
    const schemas = route.params as Record<string, Schema<string>>;
    try {
      keys.forEach((key, i) => {
        const raw = decodeURIComponent(found[i + 1] ?? '');
        params[key] = (schemas[key] as Schema<string>)(raw, key);
      });
    } catch (error) {
      const invalid =
        error instanceof ValidationError
          ? error
          : new ValidationError('invalid_field', 'path', 'is not valid percent-encoding');
      return { ok: false, reason: 'bad_param', error: invalid };
    }
    return { ok: true, name, params };
  }
  return allowed.length
    ? { ok: false, reason: 'method_not_allowed', allowed }
    : { ok: false, reason: 'no_route' };
}

/** Parses a resume position from a query string (rule R3); absent is `null`. */
export function parseResumeQuery(search: {
  get(name: string): string | null;
}):
  | { ok: true; value: { epoch: string; seq: number } | null }
  | { ok: false; error: ValidationError } {
  const epoch = search.get(RESUME_QUERY.epoch);
  const seq = search.get(RESUME_QUERY.seq);
  if (epoch === null && seq === null) return { ok: true, value: null };
  if (epoch === null || seq === null)
    return {
      ok: false,
      error: new ValidationError(
        'invalid_field',
        epoch === null ? 'epoch' : 'seq',
        'is required to resume',
      ),
    };
  const n = Number(seq);
  if (!/^\d{1,15}$/.test(seq) || !Number.isSafeInteger(n))
    return {
      ok: false,
      error: new ValidationError('invalid_field', 'seq', 'expected a non-negative integer'),
    };
  try {
    return { ok: true, value: { epoch: epochSchema(epoch, 'epoch'), seq: n } };
  } catch (error) {
    return { ok: false, error: error as ValidationError };
  }
}
