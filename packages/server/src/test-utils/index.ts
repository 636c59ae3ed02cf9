import { request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { vi } from 'vitest';
import WebSocket from 'ws';
import {
  createLivelineServer,
  startServer,
  type Liveline,
  type LivelineServer,
  type LivelineServerOptions,
} from '../index.js';
import { onTestCleanup, tempDataDir } from './onTestCleanup.js';

export { onTestCleanup, tempDataDir };

/** A parsed server message. */
export type TestMessage = Record<string, unknown>;

/**
 * Starts a server on port 0 with a temporary data dir, silent logs and fast pipeline stages; it
 * renders no video unless `renderVideo` is set (the render tests do, with short cut sheets).
 */
export async function startTestServer(
  options: LivelineServerOptions = {},
): Promise<LivelineServer> {
  const server = await startServer({ port: 0, ...testSettings(), ...options });
  onTestCleanup(() => server.stop());
  return server;
}

/** The settings of {@link startTestServer}, but the port. */
const testSettings = (): LivelineServerOptions => ({
  dataDir: tempDataDir(),
  logLevel: 'silent',
  stageDurationMs: 4,
  renderVideo: false,
  webDir: null,
});

/**
 * A Liveline with the settings of {@link startTestServer}, attached to `host` (a `node:http` server
 * the test may listen on too) listening on port 0 of `address`; stopped and closed after the test.
 * `origin` is on 127.0.0.1, which every address a test binds reaches.
 */
export async function attachTestServer(
  host: Server,
  options: LivelineServerOptions = {},
  address = '127.0.0.1',
): Promise<{ liveline: Liveline; origin: string }> {
  const liveline = await createLivelineServer({ ...testSettings(), ...options });
  liveline.attach(host);
  await new Promise<void>((resolve) => host.listen(0, address, resolve));
  onTestCleanup(async () => {
    await liveline.stop();
    await new Promise((resolve) => host.close(resolve));
  });
  return { liveline, origin: `http://127.0.0.1:${(host.address() as AddressInfo).port}` };
}

/**
 * A Liveline with the settings of {@link startTestServer}, neither listening nor attached: its
 * domains start, and a test may stop it before they are done; stopped after the test.
 */
export async function createTestLiveline(options: LivelineServerOptions = {}): Promise<Liveline> {
  const liveline = await createLivelineServer({ ...testSettings(), ...options });
  onTestCleanup(() => liveline.stop());
  return liveline;
}

/** `ws://` URL of `path` on a server. */
export const wsOrigin = (server: { origin: string }, path: string): string =>
  `${server.origin.replace(/^http/, 'ws')}${path}`;

/** A real `ws` client that buffers every parsed message. */
export interface TestClient {
  readonly ws: WebSocket;
  /** Every message received so far, in order. */
  readonly messages: TestMessage[];
  /** Resolves with the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** Waits for the first message (not yet taken) matching `match` and takes it. */
  next(
    match: string | ((message: TestMessage) => boolean),
    timeoutMs?: number,
  ): Promise<TestMessage>;
  /** Sends a JSON message (or raw text). */
  send(message: unknown): void;
}

const isRecord = (value: unknown): value is TestMessage =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `data` object of a message. */
export const dataOf = (message: TestMessage): TestMessage =>
  isRecord(message.data) ? message.data : {};

/** Opens a client to `url` and waits until it is open (or closed/refused). */
export async function connectTestClient(
  url: string,
  options: {
    protocols?: string | string[];
    headers?: Record<string, string>;
    autoPong?: boolean;
    /** Source address, e.g. `127.0.0.2` to look like another client IP on loopback. */
    localAddress?: string;
  } = {},
): Promise<TestClient> {
  const ws = new WebSocket(url, options.protocols ?? [], {
    ...(options.headers ? { headers: options.headers } : {}),
    ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    autoPong: options.autoPong ?? true,
  });
  const messages: TestMessage[] = [];
  let taken = 0;
  const consumed = new Set<TestMessage>();
  ws.on('message', (data: Buffer) => {
    const value: unknown = JSON.parse(data.toString('utf8'));
    messages.push(isRecord(value) ? value : { value });
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  onTestCleanup(() => ws.terminate());
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) =>
      reject(new Error(`unexpected HTTP ${res.statusCode}`)),
    );
  });
  return {
    ws,
    messages,
    closed,
    async next(match, timeoutMs = 5_000) {
      const test = typeof match === 'string' ? (m: TestMessage) => m.type === match : match;
      return vi.waitFor(
        () => {
          const found = messages.find((m) => !consumed.has(m) && test(m));
          if (!found)
            throw new Error(
              `no message matching ${String(match)} among ${messages.length - taken} unread`,
            );
          consumed.add(found);
          taken += 1;
          return found;
        },
        { timeout: timeoutMs, interval: 5 },
      );
    },
    send(message) {
      ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
  };
}

/** A raw HTTP (upgrade) response: status, headers and body text. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  /** Parsed JSON body, or null. */
  readonly json: TestMessage | null;
}

/** Sends an HTTP request (optionally as a WebSocket upgrade, like the seeds' curl) and reads the answer. */
export function rawRequest(
  server: { origin: string },
  path: string,
  options: {
    method?: string;
    upgrade?: boolean;
    headers?: Record<string, string>;
    body?: unknown;
    /** Source address, e.g. `127.0.0.2` to look like another client IP on loopback. */
    localAddress?: string;
  } = {},
): Promise<RawResponse> {
  const headers: Record<string, string> = {
    ...(options.upgrade
      ? {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
          'Sec-WebSocket-Version': '13',
        }
      : {}),
    ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    ...options.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(`${server.origin}${path}`, {
      method: options.method ?? (options.body !== undefined ? 'POST' : 'GET'),
      headers,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    req.on('error', reject);
    req.on('upgrade', (res, socket, head: Buffer) => {
      // A 101: read the first frame's payload as the body (a small unmasked server frame).
      const read = (chunk: Buffer): void => {
        const length = chunk[1] ?? 0;
        const offset = length === 126 ? 4 : 2;
        const body = chunk
          .subarray(offset, offset + (length === 126 ? chunk.readUInt16BE(2) : length))
          .toString('utf8');
        socket.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: parseBody(body) });
      };
      if (head.length > 0) read(head);
      else socket.once('data', read);
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: parseBody(body) }),
      );
    });
    req.end(
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
    );
  });
}

const parseBody = (body: string): TestMessage | null => {
  try {
    const value: unknown = JSON.parse(body);
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
};

/** Creates a card titled `opId` in the `backlog` column of `board` with the HTTP op endpoint. */
export const createCardOverHttp = (
  server: { origin: string },
  board: string,
  opId: string,
): Promise<RawResponse> =>
  rawRequest(server, `/api/boards/${board}/ops`, {
    body: { type: 'card.create', op_id: opId, column_id: 'backlog', title: opId },
  });
