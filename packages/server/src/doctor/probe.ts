import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SUBPROTOCOL } from '@liveline/protocol';
import WebSocket from 'ws';

/** How long a probe waits for its outcome (upgrade + first message, or an HTTP answer). @default 3000 */
export const DEFAULT_TIMEOUT_MS = 3000;
/** Bytes of an error body kept for diagnosis; enough for any Liveline error, small for HTML pages. */
export const MAX_BODY_BYTES = 16 * 1024;
/** How long a probe waits for the server to answer its close frame before dropping the socket. */
export const CLOSE_GRACE_MS = 1000;

/** An HTTP answer: a refused upgrade, or the reply to a plain GET. */
export interface HttpAnswer {
  readonly status: number;
  /** The `Content-Type` header, or `null` when absent. */
  readonly contentType: string | null;
  /** The body as text, cut at {@link MAX_BODY_BYTES}. */
  readonly body: string;
}

/** A probe that never got an HTTP answer. */
export type NetworkFailure =
  /** Nothing answered before the deadline (the TCP connection may have been accepted). */
  | { readonly kind: 'timeout'; readonly ms: number }
  /** `ECONNREFUSED`: nothing listens on that port. */
  | { readonly kind: 'refused'; readonly ms: number }
  /** Any other error; `upgraded` says whether a 101 had already arrived (then the handshake was invalid). */
  | {
      readonly kind: 'failed';
      readonly ms: number;
      readonly code: string | null;
      readonly message: string;
      readonly upgraded: boolean;
    };

/** The outcome of one WebSocket handshake; every `ms` counts from the start of the probe. */
export type WsProbeResult =
  /** Upgraded (101) and the first message arrived after `ms`. */
  | {
      readonly kind: 'message';
      readonly ms: number;
      readonly upgradeMs: number;
      readonly protocol: string;
      readonly message: string;
    }
  /** Upgraded (101) after `upgradeMs` but no message before the deadline. */
  | { readonly kind: 'silent'; readonly ms: number; readonly upgradeMs: number }
  /** Upgraded (101), then closed by the server before any message. */
  | {
      readonly kind: 'closed';
      readonly ms: number;
      readonly upgradeMs: number;
      readonly code: number;
      readonly reason: string;
    }
  /** The server answered the upgrade with something other than 101. */
  | { readonly kind: 'rejected'; readonly ms: number; readonly answer: HttpAnswer }
  | NetworkFailure;

/** The outcome of one plain HTTP GET. */
export type HttpProbeResult =
  { readonly kind: 'answered'; readonly ms: number; readonly answer: HttpAnswer } | NetworkFailure;

/** Options of {@link probeWebSocket} and {@link probeHttp}. */
export interface ProbeOptions {
  /** Deadline of the whole probe, in ms. @default 3000 */
  readonly timeoutMs?: number;
  /** `Origin` header to send; `null` sends none, like curl or a server-side client. @default null */
  readonly origin?: string | null;
  /** Token sent as `Authorization: Bearer` (rule A2); `null` sends none. @default null */
  readonly token?: string | null;
  /** Monotonic clock in ms. @default performance.now */
  readonly now?: () => number;
}

/** The `Authorization` header of a probe with a token. */
const authorization = (token: string | null | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

const errorCode = (error: unknown): string | null => {
  if (typeof error !== 'object' || error === null) return null;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  // With autoSelectFamily (Node ≥ 20) a host with several addresses fails with an AggregateError.
  if (Array.isArray(errors)) return errorCode(errors[0]);
  return null;
};

const errorText = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** Reads a response body up to {@link MAX_BODY_BYTES}; resolves with what arrived when the response ends or errors. */
function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = () => resolve(Buffer.concat(chunks).toString('utf8'));
    res.on('data', (chunk: Buffer) => {
      if (size >= MAX_BODY_BYTES) return;
      chunks.push(chunk.subarray(0, MAX_BODY_BYTES - size));
      size += chunk.length;
      // A big page (an HTML index) says enough in its first bytes; don't wait for the rest.
      if (size >= MAX_BODY_BYTES) finish();
    });
    res.on('end', finish);
    res.on('error', finish);
    res.on('close', finish);
  });
}

/**
 * `text` with every copy of the probe's token replaced: a proxy that echoes the request (its
 * `Authorization`) must not put the token into a report that gets pasted into an issue.
 */
const redact = (text: string, token: string | null | undefined): string =>
  token ? text.replaceAll(token, '<token>') : text;

const answerOf = (
  res: IncomingMessage,
  body: string,
  token: string | null | undefined,
): HttpAnswer => ({
  status: res.statusCode ?? 0,
  contentType: res.headers['content-type'] ?? null,
  body: redact(body, token),
});

/**
 * Opens one WebSocket to `url` offering `liveline.v1`, like a Liveline client would, and waits
 * for the first message. Never rejects: every outcome, including network errors, is a result.
 * The socket is closed (or dropped) before the promise resolves.
 */
export function probeWebSocket(url: string, options: ProbeOptions = {}): Promise<WsProbeResult> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, origin = null, now = () => performance.now() } = options;
  const started = now();
  const elapsed = () => Math.round(now() - started);

  return new Promise((resolve) => {
    let result: WsProbeResult | null = null;
    let upgradeMs: number | null = null;
    const socket = new WebSocket(url, [SUBPROTOCOL], {
      ...(origin === null ? {} : { origin }),
      headers: authorization(options.token),
      // We read refused upgrades ourselves (unexpected-response); never follow them elsewhere.
      followRedirects: false,
    });

    const settle = (outcome: WsProbeResult): void => {
      if (result) return;
      result = outcome;
      clearTimeout(deadline);
      if (socket.readyState === WebSocket.OPEN) {
        // Close politely so the server logs a normal close, not a dropped peer.
        socket.close(1000, 'liveline doctor: done');
        const grace = setTimeout(() => socket.terminate(), CLOSE_GRACE_MS);
        socket.once('close', () => {
          clearTimeout(grace);
          resolve(outcome);
        });
        return;
      }
      if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
      resolve(outcome);
    };

    const deadline = setTimeout(() => {
      settle(
        upgradeMs === null
          ? { kind: 'timeout', ms: elapsed() }
          : { kind: 'silent', ms: elapsed(), upgradeMs },
      );
    }, timeoutMs);

    socket.on('upgrade', () => {
      upgradeMs = elapsed();
    });
    socket.on('open', () => {
      upgradeMs ??= elapsed();
    });
    socket.on('message', (data, isBinary) => {
      const text = isBinary
        ? `<binary frame of ${Buffer.isBuffer(data) ? data.length : 0} bytes>`
        : Buffer.isBuffer(data)
          ? data.toString('utf8')
          : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8');
      settle({
        kind: 'message',
        ms: elapsed(),
        upgradeMs: upgradeMs ?? elapsed(),
        protocol: socket.protocol,
        message: text,
      });
    });
    socket.on('close', (code, reason) => {
      if (upgradeMs === null) return; // a failed handshake is reported by 'error' or the deadline
      settle({
        kind: 'closed',
        ms: elapsed(),
        upgradeMs,
        code,
        reason: redact(reason.toString('utf8'), options.token),
      });
    });
    socket.on('error', (error) => {
      const code = errorCode(error);
      settle(
        code === 'ECONNREFUSED'
          ? { kind: 'refused', ms: elapsed() }
          : {
              kind: 'failed',
              ms: elapsed(),
              code,
              message: errorText(error),
              upgraded: upgradeMs !== null,
            },
      );
    });
    // With this listener ws leaves the refused upgrade to us: read its status and body (the
    // difference between an empty 403 and Liveline's JSON 403 is the whole diagnosis).
    socket.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      const ms = elapsed();
      void readBody(res).then((body) =>
        settle({ kind: 'rejected', ms, answer: answerOf(res, body, options.token) }),
      );
    });
  });
}

/** GETs `url` and reads the answer; never rejects. */
export function probeHttp(url: string, options: ProbeOptions = {}): Promise<HttpProbeResult> {
  const { timeoutMs = DEFAULT_TIMEOUT_MS, origin = null, now = () => performance.now() } = options;
  const started = now();
  const elapsed = () => Math.round(now() - started);
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;

  return new Promise((resolve) => {
    let done = false;
    const settle = (outcome: HttpProbeResult): void => {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      req.destroy();
      resolve(outcome);
    };
    const req = request(url, {
      method: 'GET',
      headers: {
        accept: 'application/json',
        ...(origin === null ? {} : { origin }),
        ...authorization(options.token),
      },
    });
    const deadline = setTimeout(() => settle({ kind: 'timeout', ms: elapsed() }), timeoutMs);
    req.on('response', (res) => {
      const ms = elapsed();
      void readBody(res).then((body) =>
        settle({ kind: 'answered', ms, answer: answerOf(res, body, options.token) }),
      );
    });
    req.on('error', (error) => {
      const code = errorCode(error);
      settle(
        code === 'ECONNREFUSED'
          ? { kind: 'refused', ms: elapsed() }
          : { kind: 'failed', ms: elapsed(), code, message: errorText(error), upgraded: false },
      );
    });
    req.end();
  });
}
