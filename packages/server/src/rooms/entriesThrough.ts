import type { HistoryEntry } from '../storage/Storage.js';

/**
 * The entries at or before `seq`. A read of stored events by count runs past the seq it was
 * meant to end at where retention deleted events before it (into an event a publish is about to
 * add), and a copy must never hold an event past its head (rule BR4).
 */
export const entriesThrough = (
  entries: readonly HistoryEntry[],
  seq: number,
): readonly HistoryEntry[] => entries.filter((entry) => entry.seq <= seq);
