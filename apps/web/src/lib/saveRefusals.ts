import { array, number, object, optional, string } from '@liveline/protocol';
import type { Refusal } from './refusalReason';
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
const KEY = 'liveline.board-refusals.v1';
// A user who leaves this many unread has stopped reading them; the newest are kept.
const MAX_SAVED = 200;

const savedSchema = array(
  object({
    id: string(),
    boardId: string(),
    text: string(),
    doubt: optional(object({ at: number({ min: 0 }), what: string() })),
  }),
);

/**
 * Keeps the refusals the user has not dismissed in this tab (see {@link keepInTab}), so a reload
 * still tells them which changes were not saved, or may not have been.
 */
export function saveRefusals(refused: readonly RefusedOp[]): void {
  keepInTab(KEY, refused.length === 0 ? null : refused.slice(-MAX_SAVED));
}

/** Takes the refusals this tab kept out of storage, oldest first; they are saved again once shown. */
export const takeSavedRefusals = (): readonly RefusedOp[] => takeFromTab(KEY, savedSchema) ?? [];
