import { usePendingOpsStore } from '../stores/pendingOpsStore';
import { wasApplied } from './api';
import { RESEND_WITHIN_MS } from './sendCardOp';
import { mayStillArrive } from './watchLateAck';

/**
 * The questions on their way, by op id: a call while one is asked awaits that answer instead of
 * asking again (a render, or the next attempt of keepAskingAboutDoubts, while it is in flight).
 */
const asking = new Map<string, Promise<boolean | null>>();

/**
 * Asks the server what became of each change to board `boardId` that may not have been saved
 * (lib/api.ts `wasApplied`, rule B2): one it applied leaves the alerts, as the board shows it;
 * one it never applied is said "was not saved", unless it {@link mayStillArrive} when asked: the
 * server may only not have read it yet, so it stays in doubt. Call it when the board is reachable:
 * one the server could not answer, or not for good, stays in doubt until the next call. A change
 * older than {@link RESEND_WITHIN_MS} is not asked about: the server may have let its op id go
 * (G2), and would answer as though it never applied it. Resolves once every answer is taken in,
 * to how many questions the server could not answer (unreachable, or it refused to look).
 */
export async function askAboutDoubts(boardId: string, now = Date.now()): Promise<number> {
  const questions = usePendingOpsStore.getState().refused.map(async ({ id, doubt, ...refusal }) => {
    if (refusal.boardId !== boardId || !doubt) return true;
    const inFlight = asking.get(id);
    if (inFlight) return (await inFlight) !== null;
    if (now - doubt.at >= RESEND_WITHIN_MS) return true;
    // Judged as the question leaves: an answer that arrives after the socket closed is still early.
    const final = !mayStillArrive(id);
    const question = wasApplied(boardId, id);
    asking.set(id, question);
    const applied = await question;
    asking.delete(id);
    const { dismiss, revise } = usePendingOpsStore.getState();
    if (applied) dismiss(id);
    else if (applied === false && final)
      revise({ id, boardId, text: `${doubt.what} was not saved: the server never applied it.` });
    return applied !== null;
  });
  return (await Promise.all(questions)).filter((answered) => !answered).length;
}
