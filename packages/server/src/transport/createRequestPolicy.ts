import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import type { UpgradeRejection } from './resolveUpgradeTarget.js';

/**
 * Where a request may come from: the `Host` it names (rule O3), the `Origin` it carries (O1, O2)
 * and, for reads, the site the browser says it comes from (O6).
 */
export interface RequestPolicyOptions {
  /**
   * Origins allowed to open sockets and send state-changing requests (read on every check);
   * `http://host:*` allows every port of that host, for dev servers on ports picked at start.
   */
  readonly allowedOrigins: () => readonly string[];
  /** Extra `Host` names allowed; `.example.com` also allows its subdomains; `*` turns the check off. */
  readonly allowedHosts: readonly string[];
  /**
   * The host the server listens on, read on every check that gets this far: a name there is
   * allowed as a `Host`. It is the address actually bound, which for a host's server Liveline is
   * attached to may come, or change, after the policy is made; `null` while not listening.
   */
  readonly boundHost: () => string | null;
}

/** The one place that decides whether a request's `Host` and `Origin` are acceptable. */
export interface RequestPolicy {
  /**
   * The rejection of a request, or null. `guarded` says whether its `Origin` must be allowed: the
   * upgrade and every state-changing request are guarded, plain reads are not.
   */
  check(req: IncomingMessage, guarded: boolean): UpgradeRejection | null;
  /**
   * The origin a request's answer names in CORS headers (rule O7): its `Origin` when allowed and
   * not the server's own (the `Host` it names), else null.
   */
  corsOrigin(req: IncomingMessage): string | null;
  /** Whether the `Host` check is off (`allowedHosts` holds `*`). */
  readonly hostCheckOff: boolean;
}

/**
 * The host name of a `Host` header value, lower case, without port or trailing dot. Only a `:port`
 * is cut: `[::1]evil.example` stays whole (and is no IP address).
 */
export const hostName = (header: string): string =>
  header.trim().toLowerCase().replace(/:\d*$/, '').replace(/\.$/, '');

/**
 * Whether a `Host` name is safe without configuration. DNS rebinding needs a name the attacker
 * controls; an IP literal or `localhost` cannot be one (the rule Vite adopted for
 * GHSA-vg6x-rcgg-rjx6).
 */
const isAlwaysAllowed = (name: string): boolean =>
  name === 'localhost' ||
  name.endsWith('.localhost') ||
  isIP(name.startsWith('[') && name.endsWith(']') ? name.slice(1, -1) : name) !== 0;

const matchesEntry = (name: string, entry: string): boolean =>
  entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry;

/** Whether `origin` is allowed by `entry`: the same origin, or any port of it for `scheme://host:*`. */
const matchesOrigin = (origin: string, entry: string): boolean => {
  if (!entry.endsWith(':*')) return origin === entry;
  const base = entry.slice(0, -2);
  return origin === base || (/^:\d+$/.test(origin.slice(base.length)) && origin.startsWith(base));
};

const refusal = (field: 'host' | 'origin', message: string): UpgradeRejection => ({
  status: 403,
  code: 'not_supported',
  message,
  field,
});

/** Creates the request policy shared by the HTTP handler and the WebSocket gateway. */
export function createRequestPolicy(options: RequestPolicyOptions): RequestPolicy {
  const hostCheckOff = options.allowedHosts.includes('*');
  const entries = options.allowedHosts.map(hostName);
  const isBound = (name: string): boolean => {
    const bound = options.boundHost();
    return bound !== null && hostName(bound) === name;
  };
  const isHostAllowed = (name: string): boolean =>
    isAlwaysAllowed(name) || entries.some((entry) => matchesEntry(name, entry)) || isBound(name);
  const isOriginAllowed = (origin: string): boolean =>
    options.allowedOrigins().some((entry) => matchesOrigin(origin, entry));

  return {
    hostCheckOff,
    check(req, guarded) {
      const host = req.headers.host;
      // A request without Host (HTTP/1.0) cannot come from a browser, so it cannot be rebound.
      if (!hostCheckOff && host !== undefined && !isHostAllowed(hostName(host)))
        return refusal(
          'host',
          `host ${hostName(host).slice(0, 100)} is not allowed; add it to ALLOWED_HOSTS (--allowed-hosts)`,
        );
      const origin = req.headers.origin;
      if (guarded && origin !== undefined && !isOriginAllowed(origin))
        return refusal(
          'origin',
          `origin ${origin.slice(0, 100)} is not allowed; add it to ALLOWED_ORIGINS (--allowed-origins)`,
        );
      // Without CORS headers (O7 gives them to allowed origins only) another site's page cannot
      // read an answer, but it can still tell answers apart (an <img>'s onload, a timing):
      // refused, its page learns nothing (rule O6). A link followed is a top-level navigation; a
      // frame's navigates too, but its page would show the answer inside its own.
      const followedLink =
        req.headers['sec-fetch-mode'] === 'navigate' &&
        req.headers['sec-fetch-dest'] === 'document';
      if (
        !guarded &&
        req.headers['sec-fetch-site'] === 'cross-site' &&
        !followedLink &&
        !(origin !== undefined && isOriginAllowed(origin))
      )
        return refusal(
          'origin',
          "another site's page may not read the API (Sec-Fetch-Site: cross-site); open the link itself, or use the app",
        );
      return null;
    },
    corsOrigin(req) {
      const { origin, host } = req.headers;
      if (origin === undefined || !isOriginAllowed(origin)) return null;
      // The app's own page reads its answers without CORS; behind a proxy the Host is the public
      // name the page was loaded from, so it, not the bound address, says what is own.
      const own =
        host !== undefined &&
        URL.canParse(origin) &&
        new URL(origin).host === host.trim().toLowerCase();
      return own ? null : origin;
    },
  };
}
