import { LivelineError } from './errors.js';

/** Options of {@link createOutbox}. */
export interface OutboxOptions {
  /** Most messages held, sent or not. @default 200 */
  readonly maxCount: number;
  /** Most UTF-8 bytes held. @default 262144 */
  readonly maxBytes: number;
  /** How long a message may wait before it expires. @default 60000 */
  readonly ttlMs: number;
  /** What a full outbox does: drop its oldest message, or reject the new one. @default 'drop-oldest' */
  readonly overflow: 'drop-oldest' | 'reject';
}

/** The documented defaults of {@link OutboxOptions}. */
export const DEFAULT_OUTBOX: OutboxOptions = {
  maxCount: 200,
  maxBytes: 256 * 1024,
  ttlMs: 60_000,
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

interface Entry extends OutboxMessage {
  readonly bytes: number;
  readonly expiresAt: number;
  sent: boolean;
}

/** A bounded, ordered queue of outgoing messages. */
export interface Outbox {
  /** Adds a message; `sent` marks one already written that waits for its ack. */
  push(message: OutboxMessage, now: number, sent?: boolean): 'queued' | 'rejected';
  /** Writes every live message in order (also the unacknowledged ones of a previous socket). */
  flush(now: number, write: (text: string) => void): void;
  /** Forgets the message with operation id `id`. */
  ack(id: string): void;
  /** Messages not yet written. */
  pending(): number;
}

let encoder: TextEncoder | undefined;
const utf8Bytes = (text: string) => (encoder ??= new TextEncoder()).encode(text).length;

/**
 * Creates an outbox; `onDrop` hears of every message that will never be sent, so nothing is
 * dropped silently (reconnecting-websocket #147).
 */
export function createOutbox(
  options: Partial<OutboxOptions> = {},
  onDrop: (message: OutboxMessage, error: LivelineError) => void = () => {},
): Outbox {
  const { maxCount, maxBytes, ttlMs, overflow } = { ...DEFAULT_OUTBOX, ...options };
  let entries: Entry[] = [];
  let bytes = 0;

  const remove = (keep: (e: Entry) => boolean, error?: (e: Entry) => LivelineError) => {
    const dropped = entries.filter((e) => !keep(e));
    if (!dropped.length) return;
    entries = entries.filter(keep);
    bytes = entries.reduce((sum, e) => sum + e.bytes, 0);
    if (error) for (const e of dropped) onDrop(e, error(e));
  };
  const expire = (now: number) =>
    remove(
      (e) => e.expiresAt > now,
      () => new LivelineError('expired', 'message expired before it could be sent'),
    );

  return {
    push(message, now, sent = false) {
      expire(now);
      const size = utf8Bytes(message.text);
      if (size > maxBytes) return 'rejected';
      if (message.key !== undefined)
        remove(
          (e) => e.sent || e.key !== message.key,
          () => new LivelineError('coalesced', `replaced by a newer "${message.key}"`),
        );
      while (entries.length && (entries.length >= maxCount || bytes + size > maxBytes)) {
        if (overflow === 'reject') return 'rejected';
        const oldest = entries[0];
        remove(
          (e) => e !== oldest,
          () => new LivelineError('dropped', 'outbox full: dropped the oldest message'),
        );
      }
      entries.push({ ...message, bytes: size, expiresAt: message.expiresAt ?? now + ttlMs, sent });
      bytes += size;
      return 'queued';
    },
    flush(now, write) {
      expire(now);
      for (const e of entries) {
        write(e.text);
        e.sent = true;
      }
      remove((e) => e.id !== undefined);
    },
    ack(id) {
      remove((e) => e.id !== id);
    },
    pending: () => entries.filter((e) => !e.sent).length,
  };
}
