import { httpRoutes, type HttpRoute } from './httpRoutes.js';
import { fillPath, type PathParams } from './path.js';
import type { QueryParams } from './queryParams.js';
import type { ResumeParams } from './resumeQuery.js';
import { ValidationError, type Infer, type Schema } from './schema.js';
import { wsMessages, type WsRouteMessages } from './wsMessages.js';
import { WS_ROUTE_NAMES, wsRoutes, type WsRouteAddress, type WsRouteName } from './wsRoutes.js';

/**
 * A WebSocket route as the server sees it: its address and the validators of its messages and
 * query; an ordered route's query carries the resume position's params (rule R3).
 */
export type WsRoute<P extends string = string, S = unknown, C = unknown> = WsRouteMessages<S, C> &
  (
    | WsRouteAddress<P, 'latest'>
    | (WsRouteAddress<P, 'ordered'> & { readonly query: QueryParams & ResumeParams })
  );

/** Each WebSocket route of {@link wsRoutes} with its validators from {@link wsMessages}. */
const wsRoutesWithMessages = Object.fromEntries(
  WS_ROUTE_NAMES.map((name) => [name, { ...wsRoutes[name], ...wsMessages[name] }]),
) as { readonly [R in WsRouteName]: (typeof wsRoutes)[R] & (typeof wsMessages)[R] };

/**
 * The route table: every WebSocket route and HTTP endpoint a Liveline server serves (rule P1).
 * The server registers handlers from it and refuses to start if one is missing; clients build
 * every URL from it (clients import {@link wsRoutes} alone, so they carry neither the HTTP half
 * nor the message validators).
 */
export const routes = { ...wsRoutesWithMessages, ...httpRoutes };

/** The route table's type. */
export type Routes = typeof routes;
/** The name of any route. */
export type RouteName = keyof Routes;
/** The names of the HTTP endpoints. */
export type HttpRouteName = keyof typeof httpRoutes;
/** The path parameters of route `R`. */
export type RouteParams<R extends RouteName> = PathParams<Routes[R]['path']>;
/** The successful response body of HTTP endpoint `R`. */
export type HttpResponse<R extends HttpRouteName> = Infer<Routes[R]['response']>;
/** The validated query of HTTP endpoint `R` (`null` when it reads none). */
export type HttpQuery<R extends HttpRouteName> =
  Routes[R] extends HttpRoute<string, unknown, unknown, infer Q> ? Q : never;
/** The request body of HTTP endpoint `R` (`null` when it takes none). */
export type HttpRequest<R extends HttpRouteName> =
  Routes[R]['request'] extends Schema<infer T> ? T : null;

/** Every route name, in table order. */
export const ROUTE_NAMES = Object.keys(routes) as RouteName[];

/** What each route is for, in one line: `GET /api/routes`, the docs and `liveline doctor` show it. */
export const ROUTE_DESCRIPTIONS: Readonly<Record<RouteName, string>> = {
  workflow: 'Progress of one Idea2Video/Script2Video run; ids not started yet wait for it.',
  coordinator: 'Pipeline coordinator metrics, broadcast at a steady rate.',
  agent: 'Live status of one pipeline agent.',
  board: 'Agent Kanban board: greeting, snapshot, ordered board events, operations.',
  general: 'DAW transport state at 30 Hz (read-only).',
  transport: 'DAW transport state at 30 Hz and transport commands.',
  clock: 'DAW playhead clock: flat state at 30 Hz for smooth playheads.',
  health: 'Liveness, database state, protocol version and per-route counters.',
  routeList: 'The route table this server serves.',
  workflowCreate: 'Start a workflow from an idea or a script.',
  workflowList: 'Recent workflows, newest first, a page at a time (limit, before).',
  workflowGet: 'One workflow with its stages and artifacts.',
  workflowCancel: 'Cancel a queued or running workflow.',
  workflowVideo: 'The MP4 a run rendered (byte ranges); 404 until the render stage completes.',
  agentList: 'Every agent with its live status.',
  boardGet: 'A board and the stream position it is current at.',
  boardOp: 'Apply one board operation (idempotent by op_id).',
  transportGet: 'The DAW transport state.',
  transportCommand: 'Send one transport command.',
};

type ParamsArg<R extends RouteName> = keyof RouteParams<R> extends never ? [] : [RouteParams<R>];

/** Builds the path of route `R` with its parameters filled in and encoded (rule P2). */
export function routePath<R extends RouteName>(name: R, ...[params]: ParamsArg<R>): string {
  return fillPath(routes[name].path, params ?? {});
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

interface CompiledRoute {
  readonly name: RouteName;
  readonly route: WsRoute | HttpRoute;
  readonly keys: readonly string[];
  readonly regex: RegExp;
}

let compiled: readonly CompiledRoute[] | undefined;

const compile = (): readonly CompiledRoute[] =>
  ROUTE_NAMES.map((name) => {
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
  compiled ??= compile();
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

/** The query parameters route `R` reads, by name, with what each accepts (rules P4, P5). */
export const routeQuery = (name: RouteName): QueryParams => {
  const route: WsRoute | HttpRoute = routes[name];
  return route.kind === 'ws' ? route.query : (route.query?.params ?? {});
};
