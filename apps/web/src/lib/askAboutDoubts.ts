import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { wasApplied } from './api';
import { RESEND_WITHIN_MS } from './sendCardOp';

/** Op ids asked about now, so that a render while the answer is on its way does not ask again. */
const asking = new Set<string>();

/**
 * Asks the server what became of each change to board `boardId` that may not have been saved
 * (lib/api.ts `wasApplied`, rule B2): one it applied leaves the alerts, as the board shows it;
 * one it never applied is said "was not saved". Call it when the board is reachable: one the
 * server could not answer stays in doubt until the next call. A change older than
 * {@link RESEND_WITHIN_MS} is not asked about: the server may have let its op id go (G2), and
 * would answer as though it never applied it.
 */
export function askAboutDoubts(boardId: string, now = Date.now()): void {
  for (const { id, doubt, ...refusal } of usePendingOpsStore.getState().refused) {
    if (refusal.boardId !== boardId || !doubt || asking.has(id)) continue;
    if (now - doubt.at >= RESEND_WITHIN_MS) continue;
    asking.add(id);
    void wasApplied(boardId, id).then((applied) => {
      asking.delete(id);
      const { dismiss, revise } = usePendingOpsStore.getState();
      if (applied) dismiss(id);
      else if (applied === false)
        revise({ id, boardId, text: `${doubt.what} was not saved: the server never applied it.` });
    });
  }
}
