import {
  closePolicy,
  healthSchema,
  parse,
  parseJson,
  routes,
  type Schema,
  type WsRouteName,
} from '@liveline/protocol';
import { causeKind } from '../causeKind.js';
import { describeAnswer, livelineError, quote, servedWsPaths } from './describeAnswer.js';
import type { HttpAnswer, HttpProbeResult, NetworkFailure, WsProbeResult } from './probe.js';

/** Where a check was sent: to the server itself, or through the dev proxy given with `--via`. */
export type Target = 'direct' | 'via';

/** The verdict on one route at one target. */
export interface Diagnosis {
  /** Whether the route works there. */
  readonly ok: boolean;
  /**
   * `101`, an HTTP status, `timeout`, `refused`, `closed <code>`, `error`, or `not sent` (a route
   * not probed once the server refused the token).
   */
  readonly status: string;
  /** Time to the first message (WebSocket) or to the answer (HTTP) when there was one, in ms. */
  readonly ms: number | null;
  /** The likely cause of a failure, in plain words; `null` when the route works. */
  readonly cause: string | null;
  /** What a working route reported (the health summary), or `null`. */
  readonly detail: string | null;
}

/** Everything {@link diagnoseWs} needs about one WebSocket probe. */
export interface WsCheckInput {
  readonly route: WsRouteName;
  /** The path probed, with its sample parameters filled in. */
  readonly path: string;
  readonly target: Target;
  /** The origin probed (`http://host:port`), for messages such as "nothing listening at …". */
  readonly base: string;
  readonly result: WsProbeResult;
  /** For `via`: the same route probed directly, which tells a proxy problem from a server one. */
  readonly direct: WsProbeResult | null;
  readonly timeoutMs: number;
  /** The `Origin` header sent, or `null`. */
  readonly origin: string | null;
  /** The WebSocket paths the server lists in `GET /api/routes`, when it answered. */
  readonly served: readonly string[] | null;
}

/** Everything {@link diagnoseHealth} needs about one `GET /health`. */
export interface HealthCheckInput {
  readonly path: string;
  readonly target: Target;
  readonly base: string;
  readonly result: HttpProbeResult;
  /** For `via`: the same request sent directly. */
  readonly direct: HttpProbeResult | null;
  readonly timeoutMs: number;
}

const hostOf = (base: string): string => base.replace(/^[a-z]+:\/\//i, '');

/**
 * OpenSSL's codes for a certificate chain the client has no trusted root for: the cases that
 * trusting a CA fixes. An expired certificate or one for another host name is not among them.
 */
const UNTRUSTED_CERTIFICATE = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
]);

const networkStatus = (failure: NetworkFailure): string =>
  failure.kind === 'failed' ? (failure.upgraded ? '101' : 'error') : failure.kind;

/** The status column: `101`, the HTTP status, `closed <code>`, `timeout`, `refused` or `error`. */
const statusOf = (result: WsProbeResult | HttpProbeResult): string => {
  switch (result.kind) {
    case 'message':
    case 'silent':
      return '101';
    case 'closed':
      return `closed ${result.code}`;
    case 'rejected':
    case 'answered':
      return String(result.answer.status);
    case 'timeout':
    case 'refused':
    case 'failed':
      return networkStatus(result);
  }
};

/** The health document in an answer, or why it is not one. */
const readHealth = (answer: HttpAnswer) => {
  const json = parseJson(answer.body);
  return json.ok ? parse(healthSchema, json.value) : json;
};

/** What an nginx in front needs to forward upgrades, as deploy/nginx.conf does it. */
const NGINX_UPGRADE =
  'nginx: `proxy_http_version 1.1`, `proxy_set_header Upgrade $http_upgrade` and ' +
  '`proxy_set_header Connection "upgrade"`, as in deploy/nginx.conf';

/** "works direct, not via the proxy" — the seeds' Vite proxy failure, with what the proxy did. */
const proxyCause = (path: string, what: string, websocket: boolean): string =>
  websocket
    ? `works direct, not via the proxy: the proxy does not forward WebSocket upgrades for ${path} ` +
      `(\`ws: true\` missing, or its path pattern does not match ${path}; ${NGINX_UPGRADE}); ` +
      `through the proxy ${what}`
    : `works direct, not via the proxy: the proxy does not forward ${path} to the server ` +
      `(no proxy entry matches ${path}); through the proxy ${what}`;

/** What a proxy did instead of forwarding, in words that fit after "through the proxy". */
const proxyBehaviour = (
  result: WsProbeResult | HttpProbeResult,
  timeoutMs: number,
): string | null => {
  switch (result.kind) {
    case 'timeout':
      return `the request hangs (no answer within ${timeoutMs} ms)`;
    case 'failed':
      return result.upgraded ? null : `the connection was dropped (${result.message})`;
    case 'rejected':
    case 'answered':
      return livelineError(result.answer) ? null : `it answered ${describeAnswer(result.answer)}`;
    case 'refused':
    case 'message':
    case 'silent':
    case 'closed':
      return null;
  }
};

/** Plain words for a probe that got no HTTP answer at all. */
const networkCause = (
  failure: NetworkFailure,
  input: { target: Target; base: string; timeoutMs: number; websocket: boolean },
): string => {
  const host = hostOf(input.base);
  switch (failure.kind) {
    case 'refused':
      return input.target === 'via'
        ? `nothing listening at ${host}: start the dev server (\`pnpm dev\`), or fix --via`
        : `nothing listening at ${host}: start the server (\`npm start\`), or fix the URL`;
    case 'timeout':
      return input.websocket
        ? `no answer to the upgrade within ${input.timeoutMs} ms: something accepted the connection ` +
            'but holds upgrades it does not handle (a dev server or proxy without WebSocket ' +
            'forwarding for this path), or the server is stuck'
        : `no answer within ${input.timeoutMs} ms: the server accepted the connection but is stuck`;
    case 'failed':
      if (failure.upgraded)
        return `the server upgraded (101) but the handshake is not valid for a Liveline client: ${failure.message}`;
      if (failure.code === 'ENOTFOUND' || failure.code === 'EAI_AGAIN')
        return `the host name in ${input.base} does not resolve`;
      if (failure.code === 'ECONNRESET' || /socket hang up/i.test(failure.message))
        return 'the connection was dropped before any HTTP answer: a server or proxy that drops requests it does not handle';
      if (failure.code !== null && UNTRUSTED_CERTIFICATE.has(failure.code))
        return (
          `the server's TLS certificate is not trusted (${failure.message}): if it is yours and ` +
          'self-signed or from a private CA, trust it with NODE_EXTRA_CA_CERTS=<its .pem>'
        );
      return `the connection failed: ${failure.message}`;
  }
};

const authFailed = (why: string): string =>
  `authentication failed (${why}): pass a valid, unexpired token with --token; mint one with liveline token`;
const outOfScope = (why: string): string =>
  `the token is out of scope (${why}): mint one with that grant`;

/** Plain words for an upgrade the server answered with an HTTP status instead of 101. */
function rejectionCause(input: WsCheckInput, answer: HttpAnswer): string {
  const error = livelineError(answer);
  const { path, origin } = input;
  const said = error ? ` (server says: ${quote(error.message)})` : '';
  switch (answer.status) {
    case 404: {
      if (!error)
        return `not a Liveline server, or ${path} is not routed to it (${describeAnswer(answer)})`;
      const served = error.websocketRoutes ?? input.served;
      const list = served?.length ? `; it serves ${served.join(', ')}` : '';
      return `route not served by this server${list}${said}`;
    }
    case 401:
      return error ? authFailed(error.message) : `unauthorized (${describeAnswer(answer)})`;
    case 403:
      if (error?.code === 'forbidden') return outOfScope(error.message);
      if (answer.body.trim() === '')
        return (
          'the server closed before accepting (empty 403): an unregistered WebSocket route, or a ' +
          'rejected origin, on a Starlette/uvicorn-style server; register the route and check its origin/CORS settings'
        );
      if (error?.field === 'host')
        return `the server does not accept the host name this URL uses (DNS rebinding guard): add it to the server's ALLOWED_HOSTS setting${said}`;
      if (error && origin !== null)
        return `origin ${origin} is not allowed: add it to the server's ALLOWED_ORIGINS setting${said}`;
      if (error) return `forbidden${said}`;
      return `forbidden (${describeAnswer(answer)}): a server or proxy refused the upgrade`;
    case 426:
      return (
        'the upgrade arrived without its Upgrade header: a proxy in between forwards it as plain ' +
        `HTTP, so ${path} needs WebSocket forwarding (a Vite proxy: \`ws: true\`; ${NGINX_UPGRADE})${said}`
      );
    case 400:
      return error
        ? `the server rejected the route's sample parameters${said}`
        : `bad request (${describeAnswer(answer)})`;
    case 503:
      return error
        ? `the server is draining (shutting down or restarting): try again shortly${said}`
        : `service unavailable (${describeAnswer(answer)})`;
    case 502:
    case 504:
      return `a proxy in front could not reach the server (${answer.status}): is it running where the proxy points?`;
    case 200:
      return `answered ${describeAnswer(answer)} instead of upgrading: no WebSocket endpoint at ${path}`;
    default:
      return `refused the upgrade with ${describeAnswer(answer)}${said}`;
  }
}

/** Whether the direct probe reached the route: an upgrade (101), or a real health document. */
const upgradedDirectly = (direct: WsProbeResult | HttpProbeResult | null): boolean =>
  direct !== null &&
  (direct.kind === 'message' ||
    direct.kind === 'silent' ||
    direct.kind === 'closed' ||
    (direct.kind === 'answered' && readHealth(direct.answer).ok));

/** Checks the first message against the route's server schema; `null` when it conforms. */
const firstMessageProblem = (route: WsRouteName, text: string): string | null => {
  const json = parseJson(text);
  if (!json.ok) return `the first message is not JSON: ${quote(text)}`;
  // Widened on purpose: each route has its own message union, and any value is checked here.
  const schema: Schema<unknown> = routes[route].server;
  const checked = parse(schema, json.value);
  return checked.ok
    ? null
    : `the first message does not follow the protocol of ${route}: ${checked.error.message}`;
};

/** A failed check: its status and the likely cause, with no timing. */
const fail = (status: string, cause: string): Diagnosis => ({
  ok: false,
  status,
  ms: null,
  cause,
  detail: null,
});

/**
 * Decides whether one WebSocket route works at one target and, when it does not, the likely
 * cause in plain words. Pure: everything it knows comes in `input`.
 */
export function diagnoseWs(input: WsCheckInput): Diagnosis {
  const { result, target, timeoutMs } = input;
  // Through the proxy, a non-Liveline answer to a route that works directly is the proxy's doing.
  if (target === 'via' && upgradedDirectly(input.direct)) {
    const what = proxyBehaviour(result, timeoutMs);
    if (what !== null) return fail(statusOf(result), proxyCause(input.path, what, true));
  }
  switch (result.kind) {
    case 'message': {
      const problem = firstMessageProblem(input.route, result.message);
      return problem
        ? { ok: false, status: '101', ms: result.ms, cause: problem, detail: null }
        : { ok: true, status: '101', ms: result.ms, cause: null, detail: null };
    }
    case 'silent':
      return fail(
        '101',
        `handler registered but silent: upgraded (101) in ${result.upgradeMs} ms, then no message within ${timeoutMs} ms`,
      );
    case 'closed': {
      // A Liveline client's refused token is accepted, then closed (rule A7).
      if (result.code === 4401) return fail('closed 4401', authFailed(result.reason));
      if (result.code === 4403) return fail('closed 4403', outOfScope(result.reason));
      const reason = result.reason ? ` (reason ${quote(result.reason)})` : '';
      return fail(
        `closed ${result.code}`,
        `closed ${result.code} right after accept: ${closePolicy(result.code).meaning}${reason}`,
      );
    }
    case 'rejected':
      return fail(statusOf(result), rejectionCause(input, result.answer));
    case 'timeout':
    case 'refused':
    case 'failed':
      return fail(statusOf(result), networkCause(result, { ...input, websocket: true }));
  }
}

/** The fix for a broker error that is Redis refusing the node's user (NOPERM, S2), else nothing. */
const rightsHint = (brokerError: string): string =>
  causeKind(brokerError) === 'not permitted'
    ? ': the Redis user lacks rights on the channels or keys under liveline:, grant them' +
      ' (ACL SETUSER <user> ~liveline:* &liveline:*; docs/deployment.md)'
    : '';

/**
 * Decides whether `GET /health` works at one target: a 200 whose body passes `healthSchema`
 * with the database connected and no broker error. Pure.
 */
export function diagnoseHealth(input: HealthCheckInput): Diagnosis {
  const { result, target, timeoutMs, path } = input;
  // A proxy that serves its own page (or nothing) at a path that works directly isn't forwarding it.
  const forwarded = result.kind === 'answered' && readHealth(result.answer).ok;
  if (target === 'via' && upgradedDirectly(input.direct) && !forwarded) {
    const what = proxyBehaviour(result, timeoutMs);
    if (what !== null) return fail(statusOf(result), proxyCause(path, what, false));
  }
  if (result.kind !== 'answered')
    return fail(statusOf(result), networkCause(result, { ...input, websocket: false }));

  const { answer } = result;
  const status = String(answer.status);
  const health = readHealth(answer);
  const error = livelineError(answer);
  if (answer.status === 200 && health.ok) {
    const h = health.value;
    const summary = `${h.status}, database ${h.database}, protocol v${h.protocol_version}, up ${Math.round(h.uptime_seconds)} s`;
    // With auth on, /health names only a failure's kind to a token without the operators' grant.
    const words =
      h.auth === 'on' ? "; only a token with server:*:read reads the engine's own words" : '';
    if (h.database !== 'connected')
      return fail(
        status,
        `database ${h.database}: ${h.database_error ?? 'no detail given'} (${summary}${words})`,
      );
    if (h.broker === 'error')
      return fail(
        status,
        `message broker error: ${h.broker_error ?? 'no detail given'} (${summary}${words})` +
          rightsHint(h.broker_error ?? ''),
      );
    return { ok: true, status, ms: result.ms, cause: null, detail: summary };
  }
  if (answer.status === 200)
    return fail(
      status,
      `answered ${describeAnswer(answer)}, not Liveline's health document` +
        (health.ok ? '' : ` (${health.error.message})`) +
        ': not a Liveline server, or a page served in its place',
    );
  if (answer.status === 503)
    return fail(status, 'the server is draining (shutting down or restarting): try again shortly');
  if (answer.status === 404)
    return fail(
      status,
      error
        ? `a Liveline-style server without ${path} (server says: ${quote(error.message)})`
        : `not a Liveline server, or ${path} is not routed to it (${describeAnswer(answer)})`,
    );
  return fail(status, `answered ${describeAnswer(answer)}`);
}

/**
 * Diagnoses `GET /api/routes` through the dev proxy: the app's HTTP API (boards, runs, transport)
 * reaches the server only where the proxy forwards `/api`, which a proxy with only `/ws` and
 * `/health` entries does not, answering its own page instead.
 */
export function diagnoseRouteList(input: HealthCheckInput): Diagnosis {
  const { result, timeoutMs, path } = input;
  const served = servedWsPaths(result);
  if (served && result.kind === 'answered')
    return {
      ok: true,
      status: String(result.answer.status),
      ms: result.ms,
      cause: null,
      detail: `the route list (${served.length} WebSocket routes)`,
    };
  const what = proxyBehaviour(result, timeoutMs);
  if (what !== null && input.direct && servedWsPaths(input.direct))
    return fail(statusOf(result), proxyCause(path, what, false));
  if (result.kind !== 'answered')
    return fail(statusOf(result), networkCause(result, { ...input, websocket: false }));
  return fail(
    String(result.answer.status),
    `answered ${describeAnswer(result.answer)}, not Liveline's route list`,
  );
}
