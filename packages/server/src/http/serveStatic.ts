import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
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

/** The page served at `/` when the web app has not been built. */
export const NOT_BUILT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Liveline</title></head><body><h1>Liveline server is running</h1><p>The web app is not built. Run <code>pnpm run build</code>, or see <a href="/health">/health</a> and <a href="/api/routes">/api/routes</a>.</p></body></html>`;

const isFile = async (path: string): Promise<boolean> => {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
};

const sendAppFile = (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> =>
  sendFile(req, res, path, CONTENT_TYPES[extname(path)] ?? 'application/octet-stream');

/**
 * Serves a file of `webDir`, falling back to `index.html` for page requests (SPA routes).
 * Returns `false` when nothing matched. Paths are normalized and confined to `webDir`.
 */
export async function serveStatic(
  webDir: string | null,
  req: IncomingMessage,
  res: ServerResponse,
  pathname: string,
): Promise<boolean> {
  const head = req.method === 'HEAD';
  const wantsHtml = (req.headers.accept ?? '').includes('text/html') || pathname === '/';
  if (webDir === null) {
    if (!wantsHtml) return false;
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', ...ANSWER_HEADERS });
    res.end(head ? undefined : NOT_BUILT_PAGE);
    return true;
  }
  const root = normalize(webDir + sep);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return false;
  }
  const candidate = normalize(join(root, decoded));
  if (!candidate.startsWith(root)) return false;
  if (await isFile(candidate)) {
    await sendAppFile(req, res, candidate);
    return true;
  }
  const index = join(root, 'index.html');
  if (wantsHtml && (await isFile(index))) {
    await sendAppFile(req, res, index);
    return true;
  }
  return false;
}
