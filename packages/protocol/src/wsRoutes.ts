import { idSchema } from './common.js';
import { fillPath, type ParamSchemas, type PathParams } from './path.js';
import type { Schema } from './schema.js';

/** How a route delivers: every message in order with replay (`ordered`), or only the newest (`latest`). */
export type Delivery = 'ordered' | 'latest';

/**
 * What a client needs to address a WebSocket route of the table. The route's message validators
 * are in `wsMessages`, so that a client that does not validate in full does not bundle them.
 */
export interface WsRouteAddress<P extends string = string, D extends Delivery = Delivery> {
  readonly kind: 'ws';
  readonly path: P;
  readonly delivery: D;
  /** Validators of the path parameters. */
  readonly params: ParamSchemas<P, Schema<string>>;
  /** Parameters that make a working URL, used by `liveline doctor` and the docs. */
  readonly sample: PathParams<P>;
}

/** The board a `/ws/connect` client without `board_id` joins (the greeting still says `null`). */
export const DEFAULT_BOARD_ID = 'default';

const none = {};

/** Builds a route; most routes are `latest` and take no params. */
const ws = <P extends string, D extends Delivery = 'latest'>(
  route: Pick<WsRouteAddress<P, D>, 'path'> & Partial<WsRouteAddress<P, D>>,
): WsRouteAddress<P, D> =>
  ({
    kind: 'ws',
    delivery: 'latest',
    params: none,
    sample: none,
    ...route,
  }) as WsRouteAddress<P, D>;

/**
 * The WebSocket half of the route table (rule P1): everything a client needs to connect, without
 * the HTTP endpoints and without the message validators (`wsMessages`).
 */
export const wsRoutes = {
  workflow: ws({
    path: '/ws/workflow/:id',
    delivery: 'ordered',
    params: { id: idSchema },
    sample: { id: 'pending' },
  }),
  coordinator: ws({ path: '/ws/coordinator' }),
  agent: ws({
    path: '/ws/agent/:name',
    params: { name: idSchema },
    sample: { name: 'screenwriter' },
  }),
  board: ws({ path: '/ws/connect', delivery: 'ordered' }),
  general: ws({ path: '/ws' }),
  transport: ws({ path: '/ws/transport' }),
  clock: ws({ path: '/ws/transport/clock' }),
} as const;

/** The names of the WebSocket routes. */
export type WsRouteName = keyof typeof wsRoutes;
/** The WebSocket route names, in table order (pure: a client bundle that never lists them drops them). */
export const WS_ROUTE_NAMES = /* @__PURE__ */ Object.keys(wsRoutes) as WsRouteName[];

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
  // Group 1 is the `s` of https or wss.
  const found = /^(?:http|ws)(s?):\/\/([^/?#]+)/i.exec(origin);
  if (!found)
    throw new TypeError(`expected an http(s) or ws(s) origin, got ${JSON.stringify(origin)}`);
  const query = Object.entries(options?.query ?? {})
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`)
    .join('&');
  const path = fillPath(wsRoutes[name].path, options?.params ?? {});
  return `ws${found[1]}://${found[2] ?? ''}${path}${query ? `?${query}` : ''}`;
}
