import type { IncomingMessage } from 'node:http';
import { matchRoute } from '@liveline/protocol';
import type { Resolved } from './resolveUpgradeTarget.js';

/** The request headers a page on another origin may send (rule O7): those the API reads. */
export const CORS_REQUEST_HEADERS = ['Authorization', 'Content-Type', 'Range'] as const;

/**
 * How long a browser may keep a preflight's answer, in s: Chromium's cap. A kept answer spares a
 * preflight per request (each counts in L7) and opens nothing: the request itself still passes
 * every check.
 */
export const CORS_MAX_AGE_S = 7200;

const ALLOWED_HEADERS: ReadonlySet<string> = new Set(
  CORS_REQUEST_HEADERS.map((h) => h.toLowerCase()),
);

/** The methods the table serves at `pathname` over HTTP (`HEAD` with `GET`). */
const servedMethods = (pathname: string): string[] =>
  (['GET', 'POST'] as const)
    .filter((method) => {
      const match = matchRoute(method, pathname);
      return match.ok || match.reason === 'bad_param';
    })
    .flatMap((method) => (method === 'GET' ? ['GET', 'HEAD'] : [method]));

const refusal = (field: string, message: string): Resolved<never> => ({
  ok: false,
  rejection: { status: 403, code: 'not_supported', message, field },
});

/**
 * Judges a CORS preflight from an allowed origin to a path of the table (rule O7): the method it
 * asks about must be one the path serves, and every header it names one the API reads. Its answer
 * headers, or a `403` naming the field.
 */
export function checkPreflight(
  req: IncomingMessage,
  pathname: string,
): Resolved<{ headers: Record<string, string> }> {
  const method = req.headers['access-control-request-method'] ?? '';
  const served = servedMethods(pathname);
  if (!served.includes(method))
    return refusal(
      'access-control-request-method',
      served.length === 0
        ? `${pathname} is a WebSocket route; connect with a WebSocket client`
        : `${method.slice(0, 20)} is not served at ${pathname}; allowed: ${served.join(', ')}`,
    );
  const asked = (req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter((h) => h !== '');
  const unread = asked.find((h) => !ALLOWED_HEADERS.has(h));
  if (unread !== undefined)
    return refusal(
      'access-control-request-headers',
      `request header ${unread.slice(0, 100)} is not read by the API; allowed: ${CORS_REQUEST_HEADERS.join(', ')}`,
    );
  return {
    ok: true,
    headers: {
      'Access-Control-Allow-Methods': served.join(', '),
      'Access-Control-Allow-Headers': CORS_REQUEST_HEADERS.join(', '),
      'Access-Control-Max-Age': String(CORS_MAX_AGE_S),
    },
  };
}
