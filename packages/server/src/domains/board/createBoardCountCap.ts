import type { Storage } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import { createTurns } from '../createTurns.js';

/** The cap on the number of stored boards (rule B5). */
export interface BoardCountCap {
  /**
   * Runs `store`, the first write of board `boardId` (the one that stores it), unless `max`
   * boards are stored already and `stored` (asked only then) says the board is still not stored:
   * then `limit_exceeded` naming the cap.
   */
  create<T>(
    boardId: string,
    opId: string,
    store: () => Promise<T>,
    stored: () => Promise<boolean>,
  ): Promise<T | DomainFailure>;
}

/** Creates the cap on stored boards over `storage`'s count. */
export function createBoardCountCap(storage: Storage, max: number): BoardCountCap {
  // One first write at a time on this node, counted after the one before it is stored: of first
  // writes racing for the last place only one gets it. A cluster's nodes do not wait on each other.
  const turns = createTurns();
  // The server never deletes a board: once the cap is reached it stays reached, and new boards
  // are refused without a count (a count per refusal would be work a client could ask for).
  let full = false;
  const admit = async <T>(
    boardId: string,
    opId: string,
    store: () => Promise<T>,
    stored: () => Promise<boolean>,
  ) => {
    full ||= (await storage.countBoards()) >= max;
    // Another node may have stored the board since the caller found it new: then this write is
    // to a stored board, which the cap never refuses.
    if (!full || (await stored())) return store();
    return domainFailure(
      'limit_exceeded',
      `board "${boardId}" cannot be created: the server already holds ${max} boards, the most it keeps (MAX_BOARDS); write to an existing board (op ${opId})`,
      // Tells this refusal from a board's own caps (B4): another board, not a smaller one, helps.
      'board_id',
    );
  };
  return {
    create: (boardId, opId, store, stored) => turns.run(() => admit(boardId, opId, store, stored)),
  };
}
