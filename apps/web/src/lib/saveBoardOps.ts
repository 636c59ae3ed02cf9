import {
  array,
  boardOpVariants,
  idSchema,
  number,
  object,
  string,
  tagged,
} from '@liveline/protocol';
import { DEFAULT_OUTBOX } from '@liveline/ws-client';
import type { PendingOp } from './applyPendingOps';
import { savedBySchema, type SavedBy } from './savedBy';
import { keepInTab, takeFromTab } from './tabStorage';

/** A card operation the server has not answered, as kept across a reload. */
export interface SavedOp extends PendingOp {
  /** The card's title when it was made, to name it in a refusal. */
  readonly title: string;
}

/** A board's unanswered operations as kept across a reload, with who made them. */
export interface SavedBoardOps {
  readonly by: SavedBy | null;
  readonly ops: readonly SavedOp[];
}

// The version is in the key: a later shape is stored under another key, never misread as this one.
const PREFIX = 'liveline.board-ops.v2.';
// As many as the outbox holds: more would have been dropped from it before the reload anyway.
const MAX_SAVED = DEFAULT_OUTBOX.maxCount;

const ops = boardOpVariants;
const savedSchema = object({
  by: savedBySchema,
  ops: array(
    object({
      // The card operations the board page sends: a new card's id is always chosen by the page.
      op: tagged('type', {
        'card.create': { ...ops['card.create'], card_id: idSchema },
        'card.update': ops['card.update'],
        'card.move': ops['card.move'],
        'card.delete': ops['card.delete'],
      }),
      at: number({ min: 0 }),
      title: string(),
    }),
  ),
});

/**
 * Keeps board `boardId`'s unanswered operations, made `by` the page's token, in this tab (see
 * {@link keepInTab}); when storage is full or disabled they stay in memory only.
 */
export function saveBoardOps(boardId: string, ops: readonly SavedOp[], by: SavedBy | null): void {
  keepInTab(PREFIX + boardId, ops.length === 0 ? null : { by, ops: ops.slice(-MAX_SAVED) });
}

/**
 * Takes the operations every board saved in this tab out of storage: oldest first, by board. Those
 * pending again are saved again as they are added; a value that does not parse is dropped.
 */
export function takeSavedBoardOps(): ReadonlyMap<string, SavedBoardOps> {
  const boards = new Map<string, SavedBoardOps>();
  for (const key of Object.keys(sessionStorage).filter((k) => k.startsWith(PREFIX))) {
    const saved = takeFromTab(key, savedSchema);
    if (saved && saved.ops.length > 0) boards.set(key.slice(PREFIX.length), saved);
  }
  return boards;
}
