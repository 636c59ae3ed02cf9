import type { Client } from '@liveline/ws-client';
import { usePendingOpsStore, type PendingBoardOp } from '../stores/pendingOpsStore';
import { useSessionStore } from '../stores/sessionStore';
import { describeCardOp } from './describeCardOp';
import { takeSavedBoardOps, type SavedBoardOps } from './saveBoardOps';
import { madeAs, sameIdentity, savedBy, signedInAs, type SavedBy } from './savedBy';
import type { RefusedOp } from './saveRefusals';
import { RESEND_WITHIN_MS, trackCardOp } from './sendCardOp';

/** What the page does with the operations a tab kept across a reload: send them, or say why not. */
export interface SortedSavedOps {
  readonly send: readonly PendingBoardOp[];
  readonly tell: readonly RefusedOp[];
}

/**
 * Sorts the operations `saved` per board for a page signed in as `now` at `at` (epoch ms). Those
 * made under another token's subject are not sent: the server would apply them as `now`'s (B1),
 * by `now`'s grants (A4). One alert per board says so. One older than {@link RESEND_WITHIN_MS}
 * might apply twice, so it is not sent either: the user is told it may not have been saved.
 */
export function sortSavedOps(
  saved: ReadonlyMap<string, SavedBoardOps>,
  now: SavedBy | null,
  at: number,
): SortedSavedOps {
  const send: PendingBoardOp[] = [];
  const tell: RefusedOp[] = [];
  for (const [boardId, { by, ops }] of saved) {
    if (!sameIdentity(by, now)) {
      const [count, verb] =
        ops.length === 1 ? ['1 change', 'was'] : [`${ops.length} changes`, 'were'];
      const [first] = ops;
      tell.push({
        // An op id of theirs: unique, as every alert's id must be, even for the same board twice.
        id: first?.op.op_id ?? boardId,
        boardId,
        text: `${count} ${madeAs(by)} ${verb} not sent: ${signedInAs(now)}.`,
      });
      continue;
    }
    for (const op of ops) {
      // The page before the reload may have sent it: its copy may be saved whatever happens here.
      if (at - op.at < RESEND_WITHIN_MS) send.push({ ...op, boardId });
      else
        tell.push({
          id: op.op.op_id,
          boardId,
          text: `${describeCardOp(op.op, op.title)} may not have been saved: the page was closed before the server answered, too long ago to send it again.`,
        });
    }
  }
  return { send, tell };
}

/**
 * Sends again, with their own `op_id`s, the card operations this tab had not seen answered when it
 * was reloaded or closed, whichever page it opens on, as {@link sortSavedOps} sorts them for the
 * page's session: they show as pending again, and one that had reached the server is answered
 * `duplicate` and counts as saved (B2).
 */
export function resendSavedOps(client: Client, now = Date.now()): void {
  const session = savedBy(useSessionStore.getState().session);
  const { send, tell } = sortSavedOps(takeSavedBoardOps(), session, now);
  const { settle } = usePendingOpsStore.getState();
  for (const refusal of tell) settle(refusal.id, refusal);
  for (const op of send)
    trackCardOp(client.channel('board', { query: { board_id: op.boardId } }), op, true);
}
