import type { ServerResponse } from 'node:http';

/**
 * Response headers a page on another origin may read besides the safelisted ones (rule O7): when
 * to retry (`429`, `503`), why a token failed (`401`), what a path allows (`405`) and the byte
 * range of a video. The API sends no `Location`.
 */
export const CORS_EXPOSED_HEADERS = [
  'Retry-After',
  'WWW-Authenticate',
  'Allow',
  'Content-Range',
  'Accept-Ranges',
] as const;

/**
 * Sets the CORS headers of an answer (rule O7): `Vary: Origin` on every one, since whether it
 * carries the rest depends on the `Origin`, and for `origin` (an allowed one, not the server's
 * own) the origin that may read it and the headers it may read.
 */
export function setCorsHeaders(res: ServerResponse, origin: string | null): void {
  res.setHeader('Vary', 'Origin');
  if (origin === null) return;
  res.setHeader('Access-Control-Allow-Origin', origin);
  res.setHeader('Access-Control-Expose-Headers', CORS_EXPOSED_HEADERS.join(', '));
}
