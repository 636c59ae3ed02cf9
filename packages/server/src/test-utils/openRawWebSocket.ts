import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** A WebSocket spoken by hand over TCP, so a test can send what a compliant client would not. */
export interface RawWebSocket {
  /** The server's close frame: its code and reason. */
  readonly closeFrame: Promise<{ code: number; reason: string }>;
  /** Resolves once the TCP connection has closed, whoever closed it. */
  readonly ended: Promise<void>;
  /** Sends a masked text frame, whatever state the connection is in (even after a close). */
  sendText(text: string): void;
  /** Sends a masked frame of any opcode and payload, even one a compliant client never sends. */
  sendFrame(opcode: number, payload: Buffer): void;
  /** Sends a close frame; resolves once the server has closed the TCP connection. */
  close(): Promise<void>;
}

const OPCODE_TEXT = 0x1;
const OPCODE_CLOSE = 0x8;

/** A client frame (masked, as RFC 6455 §5.3 requires) with a payload under 64 KiB. */
const clientFrame = (opcode: number, payload: Buffer): Buffer => {
  const mask = randomBytes(4);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const masked = payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0));
  return Buffer.concat([Buffer.from([0x80 | opcode]), length, mask, masked]);
};

/** The first close frame among the server's (unmasked) frames in `bytes`, or null. */
const findClose = (bytes: Buffer): { code: number; reason: string } | null => {
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = (bytes[at] ?? 0) & 0x0f;
    const short = (bytes[at + 1] ?? 0) & 0x7f;
    const header = short === 126 ? 4 : short === 127 ? 10 : 2;
    if (at + header > bytes.length) return null;
    const length =
      short === 126
        ? bytes.readUInt16BE(at + 2)
        : short === 127
          ? Number(bytes.readBigUInt64BE(at + 2))
          : short;
    if (at + header + length > bytes.length) return null;
    const payload = bytes.subarray(at + header, at + header + length);
    if (opcode === OPCODE_CLOSE)
      return { code: payload.readUInt16BE(0), reason: payload.subarray(2).toString('utf8') };
    at += header + length;
  }
  return null;
};

/**
 * Opens a WebSocket to `path` on `origin` with a hand-written handshake carrying `headers`, and
 * resolves once the server answered `101`.
 */
export function openRawWebSocket(
  origin: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<RawWebSocket> {
  const { hostname, port } = new URL(origin);
  const socket = connect(Number(port), hostname);
  let received = Buffer.alloc(0);
  let onClose: (close: { code: number; reason: string }) => void = () => undefined;
  const closeFrame = new Promise<{ code: number; reason: string }>((resolve) => {
    onClose = resolve;
  });
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => {
      const lines = [
        `GET ${path} HTTP/1.1`,
        `Host: ${hostname}:${port}`,
        'Upgrade: websocket',
        'Connection: Upgrade',
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
        'Sec-WebSocket-Version: 13',
        ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      ];
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
    });
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (!upgraded) {
        const end = received.indexOf('\r\n\r\n');
        if (end === -1) return;
        const status = received.subarray(0, end).toString('latin1').split(' ')[1];
        if (status !== '101') {
          reject(new Error(`expected 101, got ${status ?? 'nothing'}`));
          socket.destroy();
          return;
        }
        upgraded = true;
        received = received.subarray(end + 4);
        resolve({
          closeFrame,
          ended,
          sendText: (text) => socket.write(clientFrame(OPCODE_TEXT, Buffer.from(text))),
          sendFrame: (opcode, payload) => socket.write(clientFrame(opcode, payload)),
          close() {
            socket.write(clientFrame(OPCODE_CLOSE, Buffer.from([0x03, 0xe8])));
            return ended;
          },
        });
      }
      const close = findClose(received);
      if (close) onClose(close);
    });
  });
}
