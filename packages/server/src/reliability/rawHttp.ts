import { connect, type Socket } from 'node:net';

/** A response read off a raw socket: status, headers and the JSON body (or null). */
export interface RawHttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly json: Record<string, unknown> | null;
  readonly text: string;
}

/** Parses the first HTTP response in `text`. */
function parseRawAnswer(text: string): RawHttpAnswer {
  const [head = '', body = ''] = text.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => {
      const at = line.indexOf(':');
      return [line.slice(0, at).trim().toLowerCase(), line.slice(at + 1).trim()];
    }),
  );
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(body) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { status: Number(/^HTTP\/1\.1 (\d{3})/.exec(statusLine)?.[1] ?? 0), headers, json, text };
}

/** Whether `text` holds a whole response (headers and `Content-Length` bytes of body). */
const complete = (text: string): boolean => {
  const end = text.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1];
  return end >= 0 && length !== undefined && text.length - end - 4 >= Number(length);
};

/**
 * Opens a TCP socket to `origin`, writes `request` verbatim and resolves with the response once it
 * is complete or the server closes.
 */
export function rawHttp(origin: string, request: string | Buffer): Promise<RawHttpAnswer> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      text += chunk;
      if (complete(text)) socket.destroy();
    });
    socket.on('error', (error) => (text ? undefined : reject(error)));
    socket.on('close', () => resolve(parseRawAnswer(text)));
  });
}

/** Opens a socket and writes the first half of a handshake, holding it open. */
export function openPartialHandshake(
  origin: string,
): Promise<{ socket: Socket; answer: () => string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        'GET /ws/connect?board_id=slow HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n',
      );
      resolve({ socket, answer: () => text });
    });
  });
}
