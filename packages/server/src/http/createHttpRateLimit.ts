import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RouteMatch } from '@liveline/protocol';
import type { VerifiedTokens } from '../auth/createVerifiedTokens.js';
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
  /**
   * The tokens auth verified (none with auth off): the client of a request whose token is one of
   * them is its subject. The limit verifies no token itself, so an address A7 blocks costs no
   * verification here either, and which limit refuses a request tells nothing of a new token.
   */
  readonly verifiedTokens: VerifiedTokens;
  /** The client's address, through trusted proxies (rule L6): the client without a known token. */
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
  refused(req: IncomingMessage, res: ServerResponse, match: RouteMatch): boolean;
}

interface Window {
  count: number;
  readonly endsAt: number;
}

/**
 * Creates the HTTP rate limit: a fixed window per client, the subject of the request's token at
 * its address when auth verified that token before (auth on), else the client's address. A refused request is
 * answered `429 rate_limited` with `Retry-After`, and the first refusal of a window is logged.
 */
export function createHttpRateLimit(options: HttpRateLimitOptions): HttpRateLimit {
  const { limit, log, now } = options;
  const windows = new Map<string, Window>();

  /** The subject of the request's token when auth verified that token before. */
  const subjectOf = (req: IncomingMessage): string | null => {
    const source = readToken(req);
    return source.kind === 'token' ? (options.verifiedTokens.get(source.token)?.id ?? null) : null;
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
    refused(req, res, match) {
      if (match.ok && match.name === 'health') return false;
      const ip = options.clientAddress(req);
      const sub = subjectOf(req);
      const t = now();
      // A subject counts per address: holders of one shared token (an invite) do not spend one
      // another's allowance, and a token used from many addresses gets what no token would.
      const window = windowOf(sub === null ? `ip ${ip}` : `sub ${sub} ${ip}`, t);
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
