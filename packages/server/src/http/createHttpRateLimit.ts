import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteMatch } from '@liveline/protocol';
import type { VerifyToken } from '../auth/createAuth.js';
import { readToken } from '../auth/readToken.js';
import type { Logger } from '../log/createLogger.js';
import { loggableUrl } from '../log/loggableUrl.js';
import { errorBody, sendJson } from '../transport/httpReplies.js';

/** The fixed window the HTTP rate limit counts requests in (rule L7), in ms. */
export const HTTP_RATE_WINDOW_MS = 10_000;
/** Clients tracked at most; beyond it the window that started first is forgotten first. */
export const HTTP_RATE_MAX_CLIENTS = 10_000;

/** Settings of {@link createHttpRateLimit}. */
export interface HttpRateLimitOptions {
  /** Requests one client may make per {@link HTTP_RATE_WINDOW_MS}. */
  readonly limit: number;
  /** The token verifier when auth is on (a token's subject is then the client), else null. */
  readonly verify: VerifyToken | null;
  /** The client's address, through trusted proxies (rule L6): the client without a valid token. */
  readonly clientAddress: (req: IncomingMessage) => string;
  readonly log: Logger;
  /** Epoch ms, monotonic: windows are kept in the order they end. */
  readonly now: () => number;
}

/** The per-client limit of HTTP requests (rule L7). */
export interface HttpRateLimit {
  /**
   * Counts a request to a route of the table (or to nothing) and, when its client is over the
   * limit, answers `429` itself: true then. `/health` is never counted (load balancers poll it).
   */
  refused(req: IncomingMessage, res: ServerResponse, match: RouteMatch): Promise<boolean>;
}

interface Window {
  count: number;
  readonly endsAt: number;
}

/**
 * Creates the HTTP rate limit: a fixed window per client, the token's subject when a valid token
 * comes with the request (auth on), else the client's address. A refused request is answered
 * `429 rate_limited` with `Retry-After`, and the first refusal of a window is logged.
 */
export function createHttpRateLimit(options: HttpRateLimitOptions): HttpRateLimit {
  const { limit, log, now } = options;
  const windows = new Map<string, Window>();

  /** The subject of the request's token when it verifies (the verifier remembers it for auth). */
  const subjectOf = async (req: IncomingMessage): Promise<string | null> => {
    const source = readToken(req);
    if (options.verify === null || source.kind !== 'token') return null;
    const identity = await options.verify(source.token);
    return typeof identity === 'string' ? null : identity.id;
  };

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
    async refused(req, res, match) {
      if (match.ok && match.name === 'health') return false;
      const ip = options.clientAddress(req);
      const sub = await subjectOf(req);
      const t = now();
      const window = windowOf(sub === null ? `ip ${ip}` : `sub ${sub}`, t);
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
