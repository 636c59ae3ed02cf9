import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { createRealPaths } from './createRealPaths.js';
import { ANSWER_HEADERS } from './httpReplies.js';
import { sendFile } from './sendFile.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** Whether a request asks for a page (the app's `index.html`), not a file. */
const wantsPage = (req: IncomingMessage, pathname: string): boolean =>
  (req.headers.accept ?? '').includes('text/html') || pathname === '/';

/** The page served at `/` when the web app has not been built. */
const NOT_BUILT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Liveline</title></head><body><h1>Liveline server is running</h1><p>The web app is not built. Run <code>pnpm run build</code>, or see <a href="/health">/health</a> and <a href="/api/routes">/api/routes</a>.</p></body></html>`;

/**
 * Creates what serves the web app in `webDir`: a file of it, or `index.html` for a page request
 * (SPA routes). What it returns resolves `false` when it answered nothing, and the caller answers
 * `404` JSON: no file there, or one whose real path leaves `webDir` (a symlink out of it), which
 * gets no `index.html` either. Each file costs one `realpath` and one `stat`.
 */
export function createStaticFiles(
  webDir: string | null,
): (req: IncomingMessage, res: ServerResponse, pathname: string) => Promise<boolean> {
  if (webDir === null)
    return (req, res, pathname) => {
      if (!wantsPage(req, pathname)) return Promise.resolve(false);
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...ANSWER_HEADERS });
      res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
      return Promise.resolve(true);
    };
  const root = normalize(webDir + sep);
  const realPaths = createRealPaths(root);
  /** Sends `path` when it is a file whose real path is inside the root. */
  const send = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    const real = await realPaths(path);
    if (!real.ok) return real.why;
    const type = CONTENT_TYPES[extname(path)] ?? 'application/octet-stream';
    return (await sendFile(req, res, real.path, type)) ? 'sent' : 'missing';
  };
  return async (req, res, pathname) => {
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return false;
    }
    const candidate = normalize(join(root, decoded));
    if (!candidate.startsWith(root)) return false;
    const file = await send(req, res, candidate);
    if (file !== 'missing') return file === 'sent';
    return wantsPage(req, pathname) && (await send(req, res, join(root, 'index.html'))) === 'sent';
  };
}
