import { create } from 'zustand';
import { saveBoardOps, type SavedOp } from '../lib/saveBoardOps';
import { saveRefusals, type RefusedOp } from '../lib/saveRefusals';
import { savedBy } from '../lib/savedBy';
import { useSessionStore } from './sessionStore';

/** A board operation the server has not answered yet. */
export interface PendingBoardOp extends SavedOp {
  readonly boardId: string;
}

/** Board operations between the click and the server's answer, across pages. */
export interface PendingOpsState {
  readonly pending: readonly PendingBoardOp[];
  readonly refused: readonly RefusedOp[];
  /** Records an operation as sent or queued. */
  readonly add: (op: PendingBoardOp) => void;
  /** Forgets operation `opId` once answered; `refusal` says why when it was not saved. */
  readonly settle: (opId: string, refusal?: RefusedOp) => void;
  /** Replaces the refusal with the same id, e.g. once the server said what became of it. */
  readonly revise: (refusal: RefusedOp) => void;
  /** Hides a refusal the user has read. */
  readonly dismiss: (opId: string) => void;
}

/** The pending board operations store. */
export const usePendingOpsStore = create<PendingOpsState>()((set) => ({
  pending: [],
  refused: [],
  add: (op) => set(({ pending }) => ({ pending: [...pending, op] })),
  settle: (opId, refusal) =>
    set(({ pending, refused }) => ({
      pending: pending.filter((p) => p.op.op_id !== opId),
      ...(refusal && { refused: [...refused, refusal] }),
    })),
  revise: (refusal) =>
    set(({ refused }) => ({ refused: refused.map((r) => (r.id === refusal.id ? refusal : r)) })),
  dismiss: (opId) => set(({ refused }) => ({ refused: refused.filter((r) => r.id !== opId) })),
}));

// Every change is saved, so a reload sends the pending operations still and shows the refusals,
// with who made them: the page's session, set once at its start, whatever token a new invite link
// has put in storage since (a reload follows it).
usePendingOpsStore.subscribe(({ pending, refused }, previous) => {
  const by = savedBy(useSessionStore.getState().session);
  if (refused !== previous.refused) saveRefusals(refused, by);
  if (pending === previous.pending) return;
  const boards = new Set([...pending, ...previous.pending].map((p) => p.boardId));
  for (const boardId of boards)
    saveBoardOps(
      boardId,
      pending.filter((p) => p.boardId === boardId).map(({ op, at, title }) => ({ op, at, title })),
      by,
    );
});
