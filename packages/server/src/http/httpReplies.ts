import { STATUS_CODES, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode, HttpError } from '@liveline/protocol';

/**
 * Headers of every answer with a body (rule O5): no page frames it, not even one of the same site,
 * which O6 lets through, and no browser reads it as another type than it says (a JSON answer that
 * quotes a card title as HTML, a file as a script).
 */
export const ANSWER_HEADERS = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
} as const;

/** Builds the protocol's HTTP error body (`httpErrorSchema`), plus optional extra fields. */
export const errorBody = (
  code: ErrorCode,
  message: string,
  field: string | null = null,
  extra: Record<string, unknown> = {},
): HttpError & Record<string, unknown> => ({ error: { code, message, field }, ...extra });

/** Sends a JSON reply. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    ...ANSWER_HEADERS,
    ...headers,
  });
  res.end(text);
}

/**
 * Answers a WebSocket upgrade with a JSON HTTP error and closes the socket (never a bare 403). A
 * client that keeps its side open is cut off after `graceMs` (the `closeGraceMs` option): `end`
 * only half-closes, and the socket would stay open for as long as the client liked.
 */
export function rejectUpgrade(
  socket: Duplex,
  graceMs: number,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...Object.entries(ANSWER_HEADERS).map(([name, value]) => `${name}: ${value}`),
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(`${lines.join('\r\n')}\r\n\r\n${text}`);
  const cut = setTimeout(() => socket.destroy(), graceMs);
  socket.once('close', () => clearTimeout(cut));
}
