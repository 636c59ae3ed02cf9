import { describe, expect, it } from 'vitest';
import {
  DOCUMENT_EVENT_BYTES_SHARE,
  DOCUMENT_EVERY_EVENTS,
  lagAfter,
  storesDocument,
  type DocumentLag,
} from './storesDocument.js';

/** A board stored with `documentBytes`, `events` events since of `eventBytes` in all. */
const lag = (documentBytes: number | null, events = 0, eventBytes = 0): DocumentLag => ({
  documentBytes,
  events,
  eventBytes,
});

describe('when an op stores its board document (PROTOCOL.md B6)', () => {
  it("B6 an op stores the document when the frames since, its own included, reach half the stored document's bytes, and not one byte before", () => {
    const documentBytes = 10_000;
    const share = documentBytes * DOCUMENT_EVENT_BYTES_SHARE;
    const since = lag(documentBytes, 3, share - 100);
    expect(storesDocument(since, 'x'.repeat(99))).toBe(false);
    expect(storesDocument(since, 'x'.repeat(100))).toBe(true);
    expect(storesDocument(lagAfter(since, 'x'.repeat(99)), 'x')).toBe(true);
    // Bytes of UTF-8, not characters: 50 two-byte characters are the last 100 bytes.
    expect(storesDocument(since, 'é'.repeat(49))).toBe(false);
    expect(storesDocument(since, 'é'.repeat(50))).toBe(true);
    expect(storesDocument(lagAfter(since, 'é'.repeat(49)), 'xx')).toBe(true);
  });

  it(`B6 an op stores the document as the ${DOCUMENT_EVERY_EVENTS}th event after it, and as the board's first event`, () => {
    expect(storesDocument(lag(1_000_000, DOCUMENT_EVERY_EVENTS - 2), 'x')).toBe(false);
    expect(storesDocument(lag(1_000_000, DOCUMENT_EVERY_EVENTS - 1), 'x')).toBe(true);
    expect(storesDocument(lag(null), 'x')).toBe(true);
  });
});
