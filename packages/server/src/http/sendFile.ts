import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ANSWER_HEADERS, errorBody, sendJson } from './httpReplies.js';

/** A byte range of a file, inclusive, or why none can be served. */
export type ByteRange = { start: number; end: number } | 'unsatisfiable' | null;

/**
 * Reads a `Range` header for a file of `size` bytes (RFC 9110 §14): `null` means serve the whole
 * file (no header, a malformed one, or several ranges, which a server may ignore).
 */
export function parseRange(header: string | undefined, size: number): ByteRange {
  const found = header === undefined ? null : /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!found) return null;
  const [, from = '', to = ''] = found;
  if (from === '' && to === '') return null;
  if (from === '') {
    const suffix = Number(to);
    return suffix === 0 || size === 0
      ? 'unsatisfiable'
      : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (to !== '' && Number(to) < start) return null;
  return start >= size ? 'unsatisfiable' : { start, end };
}

/**
 * Answers with `file` and {@link ANSWER_HEADERS}: `200` whole, `206` with `Content-Range` for one
 * satisfiable byte range, `416` (JSON) for one that is not. Resolves `false`, having answered
 * nothing, when `file` is no regular file (gone, a directory). Its one `stat` gives both that and
 * the size. A client that hangs up mid-transfer just stops the read (and closes the file).
 */
export async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  contentType: string,
): Promise<boolean> {
  const size = await stat(file).then(
    (s) => (s.isFile() ? s.size : null),
    () => null,
  );
  if (size === null) return false;
  const range = parseRange(req.headers.range, size);
  if (range === 'unsatisfiable') {
    sendJson(
      res,
      416,
      errorBody(
        'invalid_field',
        `range ${req.headers.range ?? ''} is outside the ${size} bytes`,
        'range',
      ),
      { 'Content-Range': `bytes */${size}` },
    );
    return true;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    'Content-Type': contentType,
    'Content-Length': String(end - start + 1),
    'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-cache',
    ...ANSWER_HEADERS,
    ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || size === 0) {
    res.end();
    return true;
  }
  const stream = createReadStream(file, { start, end });
  res.on('close', () => stream.destroy());
  stream.on('error', () => res.destroy());
  stream.pipe(res);
  return true;
}
