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
 * How long a socket the server closes (a refusal, A7; a slow consumer, L2; a drain) may take to
 * answer its close frame, or to close its side after an HTTP refusal, before it is cut, in ms:
 * ws's default, 30 s, held the socket's L5 slot, and a refusal's half-close held it for good.
 */
export const CLOSE_GRACE_MS = 1_000;

/**
 * Answers a WebSocket upgrade with a JSON HTTP error and closes the socket (never a bare 403). A
 * client that keeps its side open is cut off after {@link CLOSE_GRACE_MS}: `end` only half-closes,
 * and the socket would hold its L5 slot for as long as the client liked.
 */
export function rejectUpgrade(
  socket: Duplex,
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
  const cut = setTimeout(() => socket.destroy(), CLOSE_GRACE_MS);
  socket.once('close', () => clearTimeout(cut));
}
