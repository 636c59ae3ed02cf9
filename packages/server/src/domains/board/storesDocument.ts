import type { Board } from '@liveline/protocol';
import { boardBytes } from './boardBytes.js';

/**
 * An op stores its board's document when its event is this many events after the stored one
 * (PROTOCOL.md B6), so a load replays fewer; docs/decisions.md says why 100.
 */
export const DOCUMENT_EVERY_EVENTS = 100;
/**
 * ... or when the frames of the events since, its own included, reach this share of the stored
 * document's bytes: a small board is stored often (it is cheap), and the document's bytes each op
 * pays stay under twice the event's own.
 */
export const DOCUMENT_EVENT_BYTES_SHARE = 0.5;

/** How far a board in memory is past its stored document: what loading it replays. */
export interface DocumentLag {
  /** The stored document's bytes; `null` while none is stored (the board's first event stores it, B5). */
  readonly documentBytes: number | null;
  /** Events after the stored document. */
  readonly events: number;
  /** Their frames' UTF-8 bytes. */
  readonly eventBytes: number;
}

/** The lag of a board whose document is `stored` (`null`: none is stored). */
export const lagAt = (stored: Board | null): DocumentLag => ({
  documentBytes: stored && boardBytes(stored),
  events: 0,
  eventBytes: 0,
});

/** The lag once the event `frame` is applied without storing the document. */
export const lagAfter = (lag: DocumentLag, frame: string): DocumentLag => ({
  ...lag,
  events: lag.events + 1,
  eventBytes: lag.eventBytes + Buffer.byteLength(frame),
});

/** Whether the event `frame` stores the board's document with it (B6). */
export const storesDocument = (lag: DocumentLag, frame: string): boolean => {
  const next = lagAfter(lag, frame);
  return (
    lag.documentBytes === null ||
    next.events >= DOCUMENT_EVERY_EVENTS ||
    next.eventBytes >= lag.documentBytes * DOCUMENT_EVENT_BYTES_SHARE
  );
};
