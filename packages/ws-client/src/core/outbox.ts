import { OUTBOX_TTL_MS } from '@liveline/protocol';
import { LivelineError, type LivelineErrorCode } from './errors.js';

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  /** Most messages held, sent or not; the server's default burst admits this many (rule L4). @default OUTBOX_MAX_COUNT (200) */
  readonly maxCount: number;
  /** Most UTF-8 bytes held. @default 262144 */
  readonly maxBytes: number;
  /** How long a message may wait before it expires; past `OP_ID_RETENTION_MS` a retried operation may apply twice (rule G2). @default OUTBOX_TTL_MS (60000) */
  readonly ttlMs: number;
  /** What a full outbox does: drop its oldest message, or reject the new one. @default 'drop-oldest' */
  readonly overflow: 'drop-oldest' | 'reject';
}

/** The documented defaults of {@link OutboxOptions}. */
export const DEFAULT_OUTBOX: OutboxOptions = {
  // Literals, which the budget (bench/size.ts) ships smaller than an import or a product: 200 is
  // OUTBOX_MAX_COUNT (outbox.test checks that they agree), 262144 is 256 KiB.
  maxCount: 200,
  maxBytes: 262_144,
  ttlMs: OUTBOX_TTL_MS,
  overflow: 'drop-oldest',
};

/** A message handed to the outbox. */
export interface OutboxMessage {
  readonly text: string;
  /** A newer message with the same key replaces an older unsent one (the latest `seek` wins). */
  readonly key?: string | undefined;
  /** An operation id: the message is kept, and re-sent on reconnect, until {@link Outbox.ack}. */
  readonly id?: string | undefined;
  /** When it expires, on the `now()` clock; defaults to now + `ttlMs`. */
  readonly expiresAt?: number | undefined;
}

/** A held message. */
export interface OutboxEntry extends OutboxMessage {
  readonly bytes: number;
  readonly expiresAt: number;
  /**
   * Its writes not answered `unavailable`: more than 0, it may have been applied. A write on a
   * socket that closed before its answer still counts after the next socket answers `unavailable`.
   */
  sent: number;
  /** How often it was retried after the server answered `unavailable`. */
  tries: number;
}

/** A bounded, ordered queue of outgoing messages. */
export interface Outbox {
  /** Adds a message; `sent` is 1 for one already written that waits for its ack, else 0. */
  push(message: OutboxMessage, now: number, sent: number): 'queued' | 'rejected';
  /** Writes every live message in order (also the unacknowledged ones of a previous socket). */
  flush(now: number, write: (text: string) => void): void;
  /** Drops what is past its `expiresAt` at `now`, as `push` and `flush` do first. */
  expire(now: number): void;
  /** Forgets the message with operation id `id`; answers its {@link OutboxEntry.sent}. */
  ack(id: string): number | undefined;
  /** The held message with operation id `id`, if any. */
  find(id: string): OutboxEntry | undefined;
  /** Messages held: not yet written, or written and waiting for their ack. */
  size(): number;
}

/**
 * Creates an outbox; `onDrop` hears of every message that will never be sent, so nothing is
 * dropped silently (reconnecting-websocket #147).
 */
export function createOutbox(
  options: Partial<OutboxOptions> = {},
  onDrop: (message: OutboxMessage, error: LivelineError) => void = () => {},
): Outbox {
  const { maxCount, maxBytes, ttlMs, overflow } = { ...DEFAULT_OUTBOX, ...options };
  let entries: OutboxEntry[] = [];

  /** Keeps the entries `keep` accepts; returns the others, reported to `onDrop` when given a `why`. */
  const remove = (keep: (e: OutboxEntry) => unknown, why?: [LivelineErrorCode, string]) => {
    const dropped = entries.filter((e) => !keep(e));
    entries = entries.filter(keep);
    if (why) for (const e of dropped) onDrop(e, new LivelineError(...why));
    return dropped;
  };
  // `expired` says it never left; one written and never answered may have been applied: `timeout`.
  const expire = (now: number) => {
    remove((e) => e.sent || e.expiresAt > now, ['expired', 'not sent in time']);
    remove((e) => e.expiresAt > now, ['timeout', 'no reply in time']);
  };
  const heldBytes = () => entries.reduce((sum, e) => sum + e.bytes, 0);

  return {
    push(message, now, sent) {
      expire(now);
      const { key, text } = message;
      // Its UTF-8 length, as TextEncoder counts it, in fewer bundle bytes.
      const bytes = new Blob([text]).size;
      if (bytes > maxBytes) return 'rejected';
      if (key !== undefined)
        remove((e) => e.sent || e.key !== key, ['coalesced', `replaced by a newer "${key}"`]);
      while (entries.length && (entries.length >= maxCount || heldBytes() + bytes > maxBytes)) {
        if (overflow === 'reject') return 'rejected';
        const oldest = entries[0];
        // One written may have been applied: no longer awaited, it is a `timeout`, not `dropped`.
        remove((e) => e !== oldest, [oldest?.sent ? 'timeout' : 'dropped', 'outbox full']);
      }
      entries.push({
        ...message,
        bytes,
        expiresAt: message.expiresAt ?? now + ttlMs,
        sent,
        tries: 0,
      });
      return 'queued';
    },
    flush(now, write) {
      expire(now);
      for (const e of entries) {
        write(e.text);
        e.sent++;
      }
      remove((e) => e.id !== undefined);
    },
    expire,
    ack: (id) => remove((e) => e.id !== id)[0]?.sent,
    find: (id) => entries.find((e) => e.id === id),
    size: () => entries.length,
  };
}
