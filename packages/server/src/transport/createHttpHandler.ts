import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  ROUTE_NAMES,
  matchRoute,
  mediaFileSchema,
  parse,
  routes,
  type HttpError,
  type HttpRoute,
  type HttpRouteName,
  type RouteMatch,
  type ValidationError,
} from '@liveline/protocol';
import { errorMessage } from '../errors.js';
import { readJsonBody } from '../http/readJsonBody.js';
import type { HttpRateLimit } from '../http/createHttpRateLimit.js';
import { sendFile } from '../http/sendFile.js';
import { createStaticFiles } from '../http/createStaticFiles.js';
import type { Logger } from '../log/createLogger.js';
import { loggableUrl } from '../log/loggableUrl.js';
import { permissionTarget, type Auth, type Identity } from '../auth/createAuth.js';
import { readToken } from '../auth/readToken.js';
import { checkPreflight } from './checkPreflight.js';
import type { RequestPolicy } from './createRequestPolicy.js';
import { errorBody, sendJson } from '../http/httpReplies.js';
import type { UpgradeRejection } from './resolveUpgradeTarget.js';
import type { HttpResult, RouteHandlers } from './RouteHandlers.js';
import { setCorsHeaders } from './setCorsHeaders.js';

/** Options of the HTTP side of the server. */
export interface HttpHandlerOptions {
  readonly handlers: RouteHandlers;
  readonly log: Logger;
  readonly webDir: string | null;
  /**
   * Serves every request whose path is not a route of the table, instead of the web app and the
   * 404: the host's own routes when Liveline is attached to its server.
   */
  readonly otherwise?: (req: IncomingMessage, res: ServerResponse) => void;
  /** `Host` and `Origin` checks shared with the upgrade (rules O2, O3), and CORS (O7). */
  readonly policy: RequestPolicy;
  /** Token verification and route permissions (rules A2–A7). */
  readonly auth: Auth;
  /** The client's address, through trusted proxies (rule L6), for the log. */
  readonly clientAddress: (req: IncomingMessage) => string;
  /** Requests per client (rule L7): answers `429` itself to a client over its limit. */
  readonly rateLimit: HttpRateLimit;
}

/**
 * Statuses of a request refused for what it sent (a bad target, parameter, query or body; too
 * large; not JSON): each is logged once as `http.bad_request` (docs/operations.md, "Bad input").
 */
const BAD_INPUT_STATUSES: ReadonlySet<number> = new Set([400, 413, 415]);

const HTTP_ROUTE_NAMES = ROUTE_NAMES.filter((n): n is HttpRouteName => routes[n].kind === 'http');
const isHttpRoute = (name: string): name is HttpRouteName =>
  HTTP_ROUTE_NAMES.some((n) => n === name);

/** `application/json` or a `+json` type, parameters (charset) allowed. */
const isJsonMediaType = (header: string): boolean =>
  /^application\/(?:[\w.-]+\+)?json\s*(?:;|$)/i.test(header.trim());

/** The 400 of a query or body that failed validation, naming the field. */
const invalid = (error: ValidationError): HttpResult<HttpRouteName> => ({
  status: 400,
  error: { code: error.code, message: error.message, field: error.field || null },
});

const runRoute = async (
  handlers: RouteHandlers,
  name: HttpRouteName,
  params: Record<string, string>,
  req: IncomingMessage,
  url: URL,
  identity: Identity | null,
): Promise<HttpResult<HttpRouteName>> => {
  const route: HttpRoute = routes[name];
  let query: unknown = null;
  if (route.query) {
    const checked = parse(route.query, url.searchParams);
    if (!checked.ok) return invalid(checked.error);
    query = checked.value;
  }
  let body: unknown = null;
  if (route.request) {
    // Only JSON, and said so (rule O2): a cross-site form or a `fetch` without preflight sends
    // text/plain, form-encoded or (an untyped Blob) no Content-Type, never application/json.
    const type = req.headers['content-type'];
    if (type === undefined || !isJsonMediaType(type))
      return {
        status: 415,
        error: {
          code: 'not_supported',
          message: `expected Content-Type: application/json, got ${type === undefined ? 'none' : type.slice(0, 100)}`,
          field: 'content-type',
        },
      };
    const json = await readJsonBody(req);
    if (json === null)
      return {
        status: 413,
        error: { code: 'invalid_field', message: 'request body is too large', field: null },
      };
    if (!json.ok)
      return { status: 400, error: { code: 'bad_json', message: json.error.message, field: null } };
    const checked = parse(route.request, json.value);
    if (!checked.ok) return invalid(checked.error);
    body = checked.value;
  }
  const handler = handlers[name] as (request: {
    params: unknown;
    query: unknown;
    body: unknown;
    identity: Identity | null;
  }) => HttpResult<HttpRouteName> | Promise<HttpResult<HttpRouteName>>;
  return handler({ params, query, body, identity });
};

/**
 * The URL of a request target, or null when it is none: an origin-form target is a path as sent
 * (`//name/x` is that path, not the host `name`, as the upgrade reads it), an absolute-form one a URL.
 */
const requestUrl = (target: string): URL | null => {
  const base = 'http://localhost';
  const url = target.startsWith('/') ? `${base}${target}` : target;
  return URL.canParse(url, base) ? new URL(url, base) : null;
};

const NO_ROUTE: RouteMatch = { ok: false, reason: 'no_route' };

const matchAny = (pathname: string): RouteMatch[] =>
  (['GET', 'POST', 'ws'] as const).map((target) => matchRoute(target, pathname));

/**
 * Creates the `request` listener: table endpoints, CORS preflights, 426/405/404 JSON errors and
 * the static app.
 */
export function createHttpHandler(
  options: HttpHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { handlers, log } = options;
  const staticFiles = createStaticFiles(options.webDir);

  /**
   * The error reply of one request; one refusing bad input is logged, by its code and field, never
   * its content. The address is read at once: reading a body to its limit detaches the socket.
   */
  const errorReply = (req: IncomingMessage, res: ServerResponse) => {
    const ip = options.clientAddress(req);
    return (status: number, error: HttpError['error'], headers?: Record<string, string>): void => {
      if (BAD_INPUT_STATUSES.has(status))
        log.warn('http.bad_request', {
          method: req.method ?? '',
          path: loggableUrl(req.url ?? ''),
          ip,
          status,
          code: error.code,
          field: error.field,
        });
      sendJson(res, status, { error }, headers);
    };
  };

  /** A request refused for where it comes from or what its preflight asks: one log line. */
  const refuse = (req: IncomingMessage, res: ServerResponse, refused: UpgradeRejection): void => {
    log.warn('http.refused', {
      method: req.method ?? '',
      path: loggableUrl(req.url ?? ''),
      ip: options.clientAddress(req),
      field: refused.field,
      reason: refused.message,
    });
    sendJson(res, refused.status, errorBody(refused.code, refused.message, refused.field));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const sendError = errorReply(req, res);
    const url = requestUrl(req.url ?? '/');
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    // A target that is no URL is no route: the host's (attach), or checked and counted below.
    const match: RouteMatch =
      url === null
        ? NO_ROUTE
        : method === 'GET' || method === 'POST'
          ? matchRoute(method, url.pathname)
          : (matchAny(url.pathname).find((m) => m.ok || m.reason !== 'no_route') ?? NO_ROUTE);

    // The host's own routes (attach) are the host's business; the table's pass the policy.
    if (!match.ok && match.reason === 'no_route' && options.otherwise) {
      options.otherwise(req, res);
      return;
    }
    // Before anything is answered: an allowed page on another origin reads errors too (O7).
    const corsOrigin = options.policy.corsOrigin(req);
    setCorsHeaders(res, corsOrigin);
    // Every method but a read changes state, or is refused anyway: its Origin must be allowed.
    const refused = options.policy.check(req, method !== 'GET');
    // Read once: the limit keys by it (never verifying it), and auth verifies it.
    const token = readToken(req);
    // Counted before it is answered, also when refused: a refusal is a log line (rule L7).
    const counted = {
      match,
      refusedByPolicy: refused !== null,
      allowedCrossOrigin: corsOrigin !== null,
      token,
    };
    if (options.rateLimit.refused(req, res, counted)) return;
    if (refused) {
      refuse(req, res, refused);
      return;
    }
    if (url === null) {
      sendError(400, {
        code: 'invalid_field',
        message: 'the request target is neither a path nor a URL',
        field: 'target',
      });
      return;
    }
    // A preflight to a path of the table; one to no path gets the 404 below, as any request.
    const isPreflight =
      method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
    if (isPreflight && corsOrigin !== null && (match.ok || match.reason !== 'no_route')) {
      const preflight = checkPreflight(req, url.pathname);
      if (!preflight.ok) refuse(req, res, preflight.rejection);
      else res.writeHead(204, preflight.headers).end();
      return;
    }
    if (match.ok && isHttpRoute(match.name) && (method === 'GET' || method === 'POST')) {
      const { permission } = routes[match.name];
      const authorized = await options.auth.check(
        req,
        token,
        permission,
        permissionTarget(permission, match.params, url.searchParams),
      );
      if (!authorized.ok) {
        const r = authorized.refusal;
        sendJson(res, r.status, errorBody(r.code, r.message), r.headers);
        return;
      }
      const result = await runRoute(
        handlers,
        match.name,
        match.params,
        req,
        url,
        authorized.identity,
      );
      const { media }: HttpRoute = routes[match.name];
      if ('error' in result) sendError(result.status, result.error, result.headers);
      else if (!media) sendJson(res, result.status, result.body);
      else if (!(await sendFile(req, res, mediaFileSchema(result.body, '').file, media)))
        sendJson(res, 404, errorBody('not_found', 'the file is gone'));
      return;
    }
    if (match.ok) {
      // A WebSocket path requested without an upgrade, or an unsupported method on any route.
      const isWs = routes[match.name].kind === 'ws';
      if (isWs && method === 'GET') {
        sendJson(
          res,
          426,
          errorBody(
            'not_supported',
            `${url.pathname} is a WebSocket route; connect with a WebSocket client`,
          ),
          { Upgrade: 'websocket', Connection: 'Upgrade' },
        );
        return;
      }
      const route = routes[match.name];
      sendJson(
        res,
        405,
        errorBody('not_supported', `${req.method ?? ''} is not allowed on ${url.pathname}`),
        { Allow: route.kind === 'http' ? route.method : 'GET' },
      );
      return;
    }
    if (match.reason === 'bad_param') {
      const { message, field } = match.error;
      sendError(400, { code: 'invalid_field', message, field: field || null });
      return;
    }
    if (match.reason === 'method_not_allowed') {
      if (match.allowed.every((m) => m === 'ws') && method === 'GET') {
        sendJson(
          res,
          426,
          errorBody(
            'not_supported',
            `${url.pathname} is a WebSocket route; connect with a WebSocket client (Upgrade: websocket)`,
          ),
          { Upgrade: 'websocket', Connection: 'Upgrade' },
        );
        return;
      }
      const allowed = [...new Set(match.allowed.map((m) => (m === 'ws' ? 'GET' : m)))].join(', ');
      sendJson(
        res,
        405,
        errorBody(
          'not_supported',
          `${req.method ?? ''} is not allowed on ${url.pathname}; allowed: ${allowed}`,
        ),
        { Allow: allowed },
      );
      return;
    }
    const isApi =
      url.pathname.startsWith('/api/') || url.pathname === '/api' || url.pathname.startsWith('/ws');
    if (method === 'GET' && !isApi && (await staticFiles(req, res, url.pathname))) return;
    sendJson(
      res,
      404,
      errorBody('not_found', `nothing at ${req.method ?? ''} ${url.pathname}`, null, {
        path: url.pathname,
        hint: 'GET /api/routes lists every route',
      }),
    );
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      const path = loggableUrl(req.url ?? '');
      // A client that hung up before its request was complete made the body read fail: there is
      // nobody to answer, and nothing failed on this side. The reply's socket tells: `req.socket`
      // is null once a body read stopped at the size limit.
      if (!req.complete && res.socket?.destroyed === true) {
        log.debug('http.aborted', { path });
        return;
      }
      log.error('http.failed', { path, error: errorMessage(error) });
      if (!res.headersSent) sendJson(res, 500, errorBody('internal', 'internal server error'));
      else res.destroy();
    });
  };
}
