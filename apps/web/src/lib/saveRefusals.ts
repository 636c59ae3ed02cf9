import { array, number, object, optional, string } from '@liveline/protocol';
import type { Refusal } from './refusalReason';
import { madeAs, sameIdentity, savedBySchema, signedInAs, type SavedBy } from './savedBy';
import { keepInTab, takeFromTab } from './tabStorage';

/** What is known of an operation the server may have applied: enough to ask it (B2) and to say the answer. */
export interface Doubt {
  /** When the operation was made, in epoch ms: the server keeps its op id a while after (G2). */
  readonly at: number;
  /** What it did, e.g. `Adding “Kite”`. */
  readonly what: string;
}

/** An operation the server refused, or that could not be sent, told to the user until dismissed. */
export interface RefusedOp extends Refusal {
  readonly boardId: string;
  /** What was not saved and why, e.g. `Moving “Cut teaser” was not saved: the column no longer exists.`. */
  readonly text: string;
  /** Set while it may have been saved all the same and the server can still say. */
  readonly doubt?: Doubt | undefined;
}

// The version is in the key: a later shape is stored under another key, never misread as this one.
const KEY = 'liveline.board-refusals.v2';
// A user who leaves this many unread has stopped reading them; the newest are kept.
const MAX_SAVED = 200;

const savedSchema = object({
  by: savedBySchema,
  refused: array(
    object({
      id: string(),
      boardId: string(),
      text: string(),
      doubt: optional(object({ at: number({ min: 0 }), what: string() })),
    }),
  ),
});

/**
 * Keeps the refusals the user has not dismissed in this tab (see {@link keepInTab}), with who the
 * page's token names (`by`), so a reload still tells them which changes were not saved, or may not
 * have been.
 */
export function saveRefusals(refused: readonly RefusedOp[], by: SavedBy | null): void {
  keepInTab(KEY, refused.length === 0 ? null : { by, refused: refused.slice(-MAX_SAVED) });
}

/**
 * Takes the refusals this tab kept out of storage for a page signed in as `now`, oldest first;
 * they are saved again once shown. Those kept under another token's subject are still shown, but
 * one in doubt is no longer asked about: the question would go as `now`, whose grants decide it
 * (PROTOCOL.md A4), about a change `now` did not make.
 */
export function takeSavedRefusals(now: SavedBy | null): readonly RefusedOp[] {
  const saved = takeFromTab(KEY, savedSchema);
  if (!saved) return [];
  if (sameIdentity(saved.by, now)) return saved.refused;
  return saved.refused.map(({ doubt, ...refusal }) =>
    doubt
      ? {
          ...refusal,
          text: `${doubt.what}, ${madeAs(saved.by)}, may not have been saved: ${signedInAs(now)}, so the page cannot ask the server about it.`,
        }
      : refusal,
  );
}
