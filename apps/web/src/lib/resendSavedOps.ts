import type { Client } from '@liveline/ws-client';
import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { describeCardOp } from './describeCardOp';
import { takeSavedBoardOps } from './saveBoardOps';
import { RESEND_WITHIN_MS, trackCardOp } from './sendCardOp';

/**
 * Sends again, with their own `op_id`s, the card operations this tab had not seen answered when it
 * was reloaded or closed, whichever page it opens on: they show as pending again, and one that had
 * reached the server is answered `duplicate` and counts as saved (B2). One older than
 * {@link RESEND_WITHIN_MS} might apply twice, so it is not sent: the user is told instead.
 */
export function resendSavedOps(client: Client, now = Date.now()): void {
  for (const [boardId, ops] of takeSavedBoardOps()) {
    const channel = client.channel('board', { query: { board_id: boardId } });
    for (const saved of ops) {
      // The page before the reload may have sent it: its copy may be saved whatever happens here.
      if (now - saved.at < RESEND_WITHIN_MS) trackCardOp(channel, { ...saved, boardId }, true);
      else
        usePendingOpsStore.getState().settle(saved.op.op_id, {
          id: saved.op.op_id,
          boardId,
          text: `${describeCardOp(saved.op, saved.title)} may not have been saved: the page was closed before the server answered, too long ago to send it again.`,
        });
    }
  }
}
