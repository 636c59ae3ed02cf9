import {
  WS_ROUTE_NAMES,
  matchRoute,
  parse,
  readQuery,
  resumePositionOf,
  routes,
  type QueryString,
  type ResumePosition,
  type ValidationError,
  type WsRoute,
  type WsRouteName,
} from '@liveline/protocol';

/** Why an upgrade is answered with an HTTP error instead of a socket (rules P3, O1, L5, D1). */
export interface UpgradeRejection {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly code: 'not_found' | 'invalid_field' | 'unavailable' | 'not_supported';
  readonly message: string;
  readonly field: string | null;
  readonly extra?: Record<string, unknown>;
}

/** The route an upgrade asks for, with its validated params, query and resume position. */
export interface UpgradeTarget {
  readonly name: WsRouteName;
  readonly params: Record<string, string>;
  readonly query: URLSearchParams;
  readonly resume: ResumePosition | null;
}

/** A target, or the rejection that names what is wrong with it. */
export type Resolved<T> = ({ ok: true } & T) | { ok: false; rejection: UpgradeRejection };

/**
 * The path and query of an upgrade's request target. Browsers and proxies send origin-form
 * (`/path?query`), which needs no `URL` object per upgrade; anything else matches no route.
 */
const splitTarget = (target: string): { pathname: string; searchParams: URLSearchParams } => {
  const at = target.indexOf('?');
  return at === -1
    ? { pathname: target, searchParams: new URLSearchParams() }
    : { pathname: target.slice(0, at), searchParams: new URLSearchParams(target.slice(at + 1)) };
};

const wsPaths = (): string[] => WS_ROUTE_NAMES.map((name) => routes[name].path);

const badField = (error: ValidationError): Resolved<never> => ({
  ok: false,
  rejection: {
    status: 400,
    code: 'invalid_field',
    message: error.message,
    field: error.field || null,
  },
});

const notFound = (message: string, extra?: Record<string, unknown>): Resolved<never> => ({
  ok: false,
  rejection: { status: 404, code: 'not_found', message, field: null, ...(extra && { extra }) },
});

/**
 * Validates every parameter of `route`'s query (rules P4, P5) once, and reads an ordered route's
 * resume position from the values (rule R3); throws a `ValidationError` naming a bad one.
 */
const readResume = (route: WsRoute, search: QueryString): ResumePosition | null => {
  if (route.delivery === 'ordered') return resumePositionOf(readQuery(route.query, search));
  readQuery(route.query, search);
  return null;
};

/** Resolves an upgrade's request target against the route table (rule P3). Pure. */
export function resolveUpgradeTarget(target: string): Resolved<UpgradeTarget> {
  const url = splitTarget(target);
  const match = matchRoute('ws', url.pathname);
  if (!match.ok && match.reason === 'bad_param') return badField(match.error);
  if (!match.ok)
    return notFound(`no WebSocket route at ${url.pathname}`, {
      path: url.pathname,
      websocket_routes: wsPaths(),
      hint: 'connect to one of websocket_routes; GET /api/routes lists everything this server serves',
    });
  const name = WS_ROUTE_NAMES.find((n) => n === match.name);
  if (!name) return notFound(`${url.pathname} is not a WebSocket route`);
  const route: WsRoute = routes[name];
  const resume = parse((search) => readResume(route, search as QueryString), url.searchParams);
  if (!resume.ok) return badField(resume.error);
  return { ok: true, name, params: match.params, query: url.searchParams, resume: resume.value };
}
