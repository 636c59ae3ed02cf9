import { CloseCode, WS_ROUTE_NAMES, routePath, routes, type WsRouteName } from '@liveline/protocol';
import {
  diagnoseHealth,
  diagnoseRouteList,
  diagnoseWs,
  type Diagnosis,
  type Target,
} from './diagnose.js';
import { servedWsPaths } from './describeAnswer.js';
import {
  DEFAULT_TIMEOUT_MS,
  probeHttp,
  probeWebSocket,
  type HttpProbeResult,
  type ProbeOptions,
  type WsProbeResult,
} from './probe.js';

/** Where `liveline doctor` looks when no URL is given: `pnpm start`'s default. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:8000';

/** Options of {@link runDoctor}. */
export interface DoctorOptions {
  /** The Liveline server (`http(s)://` or `ws(s)://` origin, or `host:port`). @default 'http://127.0.0.1:8000' */
  readonly server?: string;
  /** A dev proxy (the Vite dev server) to check the same routes through. @default null */
  readonly via?: string | null;
  /** Deadline of each probe: upgrade plus first message, in ms. @default 3000 */
  readonly timeoutMs?: number;
  /**
   * `Origin` header of the WebSocket probes. By default none is sent directly (like curl) and the
   * proxy's own origin is sent through `via`, as a browser on the dev page would. @default null
   */
  readonly origin?: string | null;
  /** Token for a server with auth on, sent as `Authorization: Bearer` (rule A2). @default null */
  readonly token?: string | null;
  /** Monotonic clock in ms. @default performance.now */
  readonly now?: () => number;
}

/** One route checked at one target. */
export interface DoctorCheck extends Diagnosis {
  /** `health`, `routeList` (through the proxy only) or a WebSocket route name of the table. */
  readonly route: 'health' | 'routeList' | WsRouteName;
  readonly kind: 'http' | 'ws';
  /** The path probed, with the route's sample parameters. */
  readonly path: string;
  readonly target: Target;
  readonly url: string;
  /** The `Origin` header sent, or `null`. */
  readonly origin: string | null;
}

/** The outcome of a doctor run: every route × target. */
export interface DoctorReport {
  /** `true` only when every check works. */
  readonly ok: boolean;
  readonly server: string;
  readonly via: string | null;
  readonly timeoutMs: number;
  readonly checks: readonly DoctorCheck[];
}

/** A URL the doctor cannot use. */
export class DoctorUsageError extends Error {
  override readonly name = 'DoctorUsageError';
  readonly code = 'bad_url';
}

/**
 * The `http(s)://host:port` origin of a user-given URL. Accepts `ws(s)://` and a bare
 * `host:port`; any path is ignored, since every path comes from the route table.
 */
export function toOrigin(input: string): string {
  const withScheme = /^[a-z][a-z\d+.-]*:\/\//i.test(input) ? input : `http://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme.replace(/^ws(s?):/i, 'http$1:'));
  } catch (cause) {
    throw new DoctorUsageError(`not a URL: ${input}`, { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DoctorUsageError(`expected an http(s) or ws(s) URL, got ${input}`);
  return url.origin;
}

// routePath's rest-parameter typing needs a literal route name; the table's own `sample` is
// the right argument for every route, so one widened signature is safe here.
const pathWithSample = routePath as (name: WsRouteName, params?: object) => string;

/** The path of a WebSocket route with its table `sample` parameters filled in. */
export const samplePath = (name: WsRouteName): string => pathWithSample(name, routes[name].sample);

const toWs = (origin: string): string => origin.replace(/^http/, 'ws');

/** Whether the server refused a probe's token, or its lack of one (PROTOCOL.md A7). */
const tokenRefused = (result: WsProbeResult): boolean =>
  (result.kind === 'rejected' && result.answer.status === 401) ||
  (result.kind === 'closed' && result.code === CloseCode.Unauthorized);

/** A route not probed once the server refused the token; its cause is said with the others'. */
const NOT_SENT: Diagnosis = { ok: false, status: 'not sent', ms: null, cause: null, detail: null };

/** A check whose token was refused as on check `on`, whose line names the cause. */
const refusedAsOn = (check: DoctorCheck, on: DoctorCheck): DoctorCheck => ({
  ...check,
  cause: `token refused; the cause is on the ${on.route} (${on.target}) line`,
});

/**
 * Checks `GET /health` and a real handshake plus first message on every WebSocket route of the
 * table, directly and (when `via` is given) through the dev proxy, where it also checks that
 * `GET /api/routes` reaches the server; it diagnoses each failure.
 */
export async function runDoctor(options: DoctorOptions = {}): Promise<DoctorReport> {
  const server = toOrigin(options.server ?? DEFAULT_SERVER_URL);
  const via = options.via ? toOrigin(options.via) : null;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const clock = options.now ? { now: options.now } : {};

  const targets = [
    { target: 'direct' as const, base: server, origin: options.origin ?? null },
    ...(via ? [{ target: 'via' as const, base: via, origin: options.origin ?? via }] : []),
  ];
  const healthPath = routes.health.path;

  const token = options.token ?? null;
  // A run would send the token once per route and target, and A7 limits an address's failed
  // verifications: it goes out once first, and when that is refused no other route is probed
  // (null), so a bad token costs one verification and the report names its cause, not the block.
  const firstUrl = `${toWs(server)}${samplePath('clock')}`;
  const first =
    token === null
      ? null
      : probeWebSocket(firstUrl, { timeoutMs, origin: options.origin ?? null, token, ...clock });
  const probeRoute = async (url: string, probe: ProbeOptions): Promise<WsProbeResult | null> => {
    if (first === null) return probeWebSocket(url, probe);
    const firstResult = await first;
    if (url === firstUrl && probe.origin === (options.origin ?? null)) return firstResult;
    return tokenRefused(firstResult) ? null : probeWebSocket(url, probe);
  };

  // /health verifies a token too (A7): it gets the token once the first probe did not see it
  // refused, and then names a failure's whole cause to an operator's token (S2), not its kind.
  const probeHealth = async (url: string): Promise<HttpProbeResult> => {
    const accepted = first !== null && !tokenRefused(await first);
    return probeHttp(url, { timeoutMs, token: accepted ? token : null, ...clock });
  };

  // Every probe runs at once (after the token's first, when there is one): the whole run takes
  // about one deadline, whatever the route count.
  const runs = await Promise.all(
    targets.map(async ({ target, base, origin }) => {
      const probe: ProbeOptions = { timeoutMs, origin, token, ...clock };
      const [health, routeList, sockets] = await Promise.all([
        probeHealth(`${base}${healthPath}`),
        probeHttp(`${base}${routes.routeList.path}`, { timeoutMs, ...clock }),
        Promise.all(
          WS_ROUTE_NAMES.map(async (name) => {
            const url = `${toWs(base)}${samplePath(name)}`;
            return { name, url, result: await probeRoute(url, probe) };
          }),
        ),
      ]);
      return { target, base, origin, health, routeList, sockets };
    }),
  );

  const direct = runs[0];
  // A proxy's own route list would be the server's anyway; the direct one is authoritative.
  const directServed = direct && servedWsPaths(direct.routeList);
  const checks: DoctorCheck[] = [];
  // The WebSocket checks whose token was refused ({@link tokenRefused}): true when it was sent,
  // false when it was not, after the first refusal.
  const refusedToken = new Map<DoctorCheck, boolean>();
  for (const run of runs) {
    const { target, base } = run;
    const served = directServed ?? servedWsPaths(run.routeList);
    checks.push({
      route: 'health',
      kind: 'http',
      path: healthPath,
      target,
      url: `${base}${healthPath}`,
      origin: null,
      ...diagnoseHealth({
        path: healthPath,
        target,
        base,
        result: run.health,
        direct: target === 'via' && direct ? direct.health : null,
        timeoutMs,
      }),
    });
    const routeListPath = routes.routeList.path;
    if (target === 'via')
      checks.push({
        route: 'routeList',
        kind: 'http',
        path: routeListPath,
        target,
        url: `${base}${routeListPath}`,
        origin: null,
        ...diagnoseRouteList({
          path: routeListPath,
          target,
          base,
          result: run.routeList,
          direct: direct?.routeList ?? null,
          timeoutMs,
        }),
      });
    run.sockets.forEach(({ name, url, result }, i) => {
      const path = samplePath(name);
      const check: DoctorCheck = {
        route: name,
        kind: 'ws',
        path,
        target,
        url,
        origin: run.origin,
        ...(result === null
          ? NOT_SENT
          : diagnoseWs({
              route: name,
              path,
              target,
              base,
              result,
              direct: target === 'via' ? (direct?.sockets[i]?.result ?? null) : null,
              timeoutMs,
              origin: run.origin,
              served,
            })),
      };
      checks.push(check);
      if (result === null || tokenRefused(result)) refusedToken.set(check, result !== null);
    });
  }
  // Group by route so a route's direct and via lines sit together.
  const order = ['health', 'routeList', ...WS_ROUTE_NAMES];
  checks.sort((a, b) => order.indexOf(a.route) - order.indexOf(b.route));
  // One line names the cause for every check whose token was refused, sent or not: the first
  // refusal sent (the token's first probe, or the first line without a token).
  const named = checks.find((c) => refusedToken.get(c) === true);
  const said = named
    ? checks.map((c) => (c === named || !refusedToken.has(c) ? c : refusedAsOn(c, named)))
    : checks;
  return { ok: said.every((c) => c.ok), server, via, timeoutMs, checks: said };
}
