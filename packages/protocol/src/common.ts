import { number, string } from './schema.js';

/** The protocol version a peer speaks; negotiated as the WebSocket subprotocol `liveline.v1`. */
export const PROTOCOL_VERSION = 1;
/** The subprotocol for {@link PROTOCOL_VERSION}. Plain clients that offer none get the same protocol. */
export const SUBPROTOCOL = `liveline.v${PROTOCOL_VERSION}`;
/** Prefix of every Liveline subprotocol; offering only other versions is closed with 4406. */
export const SUBPROTOCOL_PREFIX = 'liveline.v';
/** The subprotocol prefix a browser carries its token in, beside {@link SUBPROTOCOL} (rule A2). */
export const AUTH_SUBPROTOCOL_PREFIX = 'liveline.auth.';

/** A server sends `heartbeat` after this long without sending anything else on a route (rule H1). */
export const HEARTBEAT_INTERVAL_MS = 10_000;
/** A client that heard nothing for this long declares the socket dead and reconnects (rule H2). */
export const HEARTBEAT_TIMEOUT_MS = 25_000;
/** The server's protocol-level ping period; a peer that misses one pong is terminated (rule H3). */
export const PING_INTERVAL_MS = 25_000;
// Sizes and durations below are literals, not products such as 64 * 1024: a bundler keeps an
// unused product (it cannot prove it pure), and ws-client's budget (bench/size.ts) pays for it.
/** The largest frame a server accepts, 64 KiB; bigger is closed with 1009 (rule L1). */
export const MAX_PAYLOAD_BYTES = 65_536;
/**
 * The bytes an ordered-route client may have unsent before it is closed with 1013 (rule L2), 1 MiB:
 * the server's default of `orderedMaxBufferedBytes`.
 */
export const ORDERED_MAX_BUFFERED_BYTES = 1_048_576;
/**
 * The most messages ws-client's outbox holds by default, every one written at once when a socket
 * opens; the server's default burst (rule L4) admits them all.
 */
export const OUTBOX_MAX_COUNT = 200;
/** How long a client keeps an unacknowledged operation to send again: ws-client's outbox TTL. */
export const OUTBOX_TTL_MS = 60_000;
/**
 * How long a server keeps an applied op id at least, 10 minutes: the outbox TTL plus a margin for
 * the send and a late reconnect, so every retry a client still sends is answered `duplicate`
 * (rules B2, G2).
 */
export const OP_ID_RETENTION_MS = 600_000;

/** What an identifier may be, as its validator's error and `GET /api/routes` say it. */
export const ID_ACCEPTS = '1–64 letters, digits, "_" or "-"';
// The validators are marked pure so that a bundle drops the ones it never uses: ws-client's
// budget (bench/size.ts) has no room for opIdSchema and epochMsSchema, which only the full message
// schemas (wsMessages) use.
/** Identifiers in paths and queries: workflow ids, board ids, agent names. */
export const idSchema = /* @__PURE__ */ string({
  min: 1,
  max: 64,
  pattern: /^[A-Za-z0-9_-]+$/,
  hint: ID_ACCEPTS,
});
/** A client-generated operation id: correlates a reply and makes a retried operation apply once. */
export const opIdSchema = /* @__PURE__ */ string({
  min: 1,
  max: 64,
  pattern: /^[A-Za-z0-9_.:-]+$/,
  hint: '1–64 letters, digits or "_.:-"',
});
/** A position in a room's ordered stream; the first event is 1, a snapshot of an empty room is 0. */
export const seqSchema = /* @__PURE__ */ number({ min: 0, int: true });
/** The incarnation of a room's history; a new epoch means seqs restarted and history was lost. */
export const epochSchema = /* @__PURE__ */ string({ min: 1, max: 64 });
/** Milliseconds since the Unix epoch. */
export const epochMsSchema = /* @__PURE__ */ number({ min: 0 });

/** Codes carried by `error` messages and HTTP error bodies. */
export const ERROR_CODES = [
  'bad_json',
  'invalid_field',
  'unknown_type',
  'not_found',
  'conflict',
  'rate_limited',
  'not_supported',
  'unavailable',
  'internal',
  'unauthorized',
  'forbidden',
  'limit_exceeded',
] as const;
/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Why a resume request could not be honoured (rules R5–R7). */
export const RESUME_LOST_REASONS = ['epoch_changed', 'history_truncated', 'seq_ahead'] as const;
/** One of {@link RESUME_LOST_REASONS}. */
export type ResumeLostReason = (typeof RESUME_LOST_REASONS)[number];
