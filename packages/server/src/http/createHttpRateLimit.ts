import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteMatch } from '@liveline/protocol';
import type { VerifiedTokens } from '../auth/createVerifiedTokens.js';
import type { TokenSource } from '../auth/readToken.js';
import type { Logger } from '../log/createLogger.js';
import { loggableUrl } from '../log/loggableUrl.js';
import { errorBody, sendJson } from './httpReplies.js';
import { addressKey } from '../auth/addressKey.js';

/** The fixed window the HTTP rate limit counts requests in (rule L7), in ms. */
export const HTTP_RATE_WINDOW_MS = 10_000;
/** Clients tracked at most; beyond it the window that started first is forgotten first. */
export const HTTP_RATE_MAX_CLIENTS = 10_000;

/** Settings of {@link createHttpRateLimit}. */
export interface HttpRateLimitOptions {
  /** Requests one client may make per {@link HTTP_RATE_WINDOW_MS}. */
  readonly limit: number;
  /**
   * The tokens auth verified (none with auth off): the client of a request whose token is one of
   * them is its subject. The limit verifies no token itself, so an address A7 blocks costs no
   * verification here either, and which limit refuses a request tells nothing of a new token.
   */
  readonly verifiedTokens: VerifiedTokens;
  /**
   * The client's address, through trusted proxies (rule L6): without a known token, the client is
   * the address, or its /64 for IPv6 ({@link addressKey}).
   */
  readonly clientAddress: (req: IncomingMessage) => string;
  readonly log: Logger;
  /** Epoch ms, monotonic: windows are kept in the order they end. */
  readonly now: () => number;
}

/** What the HTTP handler knows of a request when the limit counts it. */
export interface CountedRequest {
  /** Its route in the table, or why none. */
  readonly match: RouteMatch;
  /** Whether the `Host` or `Origin` policy refuses it (rules O1–O3): a foreign page sent it. */
  readonly refusedByPolicy: boolean;
  /** Whether its `Origin` is an allowed one of another site (rule O7): the user's own app sent it. */
  readonly allowedCrossOrigin: boolean;
  /** Its token as read for auth too (rule A2); the limit never verifies it. */
  readonly token: TokenSource;
}

/** The per-client limit of HTTP requests (rule L7). */
export interface HttpRateLimit {
  /**
   * Counts a request to a route of the table (or to nothing) and, when its client is over the
   * limit, answers `429` itself: true then. A `/health` the policy accepts is never counted
   * (load balancers poll it).
   */
  refused(req: IncomingMessage, res: ServerResponse, request: CountedRequest): boolean;
}

interface Window {
  count: number;
  readonly endsAt: number;
}

/**
 * Whether another site's page sent a request: the `Host`/`Origin` policy refuses it (a rebinding
 * page names its own host, a cross-site form its own origin), or the browser says so in
 * `Sec-Fetch-Site`, which no page can set (an `<img>` sends it, and no `Origin`), and it does not
 * come from an origin the server allows (O7: the user's app on another site is the user's own).
 */
const isForeign = (req: IncomingMessage, request: CountedRequest): boolean =>
  request.refusedByPolicy ||
  (req.headers['sec-fetch-site'] === 'cross-site' && !request.allowedCrossOrigin);

/**
 * Creates the HTTP rate limit: a fixed window per client, the subject of the request's token at
 * its address when auth verified that token before (auth on), else the client's address (an IPv6
 * one by its /64); the requests of other sites' pages at an address are a client of their own. A
 * refused request is answered `429 rate_limited` with `Retry-After`, and the first refusal of a
 * window is logged.
 */
export function createHttpRateLimit(options: HttpRateLimitOptions): HttpRateLimit {
  const { limit, log, now } = options;
  const windows = new Map<string, Window>();

  /** The subject of a request's token when auth verified that token before. */
  const subjectOf = (source: TokenSource): string | null =>
    source.kind === 'token' ? (options.verifiedTokens.get(source.token)?.id ?? null) : null;

  const windowOf = (key: string, t: number): Window => {
    const found = windows.get(key);
    if (found && found.endsAt > t) return found;
    windows.delete(key);
    // Windows are added in the order they end, so the ended ones (and, at the cap, the oldest)
    // are at the front: memory holds the clients of the last window, at most the cap.
    for (const [other, window] of windows) {
      if (window.endsAt > t && windows.size < HTTP_RATE_MAX_CLIENTS) break;
      windows.delete(other);
    }
    const fresh = { count: 0, endsAt: t + HTTP_RATE_WINDOW_MS };
    windows.set(key, fresh);
    return fresh;
  };

  return {
    refused(req, res, request) {
      const { match } = request;
      // A refused one is a log line like any other refusal, and a rebinding page can repeat it.
      if (match.ok && match.name === 'health' && !request.refusedByPolicy) return false;
      const ip = options.clientAddress(req);
      // Another site's page in the user's browser shares the user's address: counted with the
      // user, it could spend the user's allowance and lock the user out (rule L7).
      const crossSite = isForeign(req, request);
      const sub = crossSite ? null : subjectOf(request.token);
      const t = now();
      // A subject counts per address: holders of one shared token (an invite) do not spend one
      // another's allowance, and a token used from many addresses gets what no token would.
      // An IPv6 host owns a /64: counted by it, it cannot rotate through its addresses.
      const at = addressKey(ip);
      const key = crossSite ? `cross-site ${at}` : sub === null ? `ip ${at}` : `sub ${sub} ${at}`;
      const window = windowOf(key, t);
      window.count += 1;
      if (window.count <= limit) return false;
      const wait = Math.max(1, Math.ceil((window.endsAt - t) / 1000));
      // Once per client and window: a client over the limit costs the log one line per window.
      if (window.count === limit + 1)
        log.warn('http.bad_request', {
          method: req.method ?? '',
          path: loggableUrl(req.url ?? ''),
          ip,
          ...(sub !== null && { sub }),
          ...(crossSite && { cross_site: true }),
          status: 429,
          code: 'rate_limited',
          field: null,
        });
      sendJson(
        res,
        429,
        errorBody(
          'rate_limited',
          `more than ${limit} requests in ${HTTP_RATE_WINDOW_MS / 1000} s from this client; retry in ${wait} s`,
        ),
        { 'Retry-After': String(wait) },
      );
      return true;
    },
  };
}
