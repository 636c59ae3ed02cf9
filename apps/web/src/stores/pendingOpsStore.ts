import { create } from 'zustand';
import type { Refusal } from '../lib/refusalReason';
import { saveBoardOps, type SavedOp } from '../lib/saveBoardOps';

/** A board operation the server has not answered yet. */
export interface PendingBoardOp extends SavedOp {
  readonly boardId: string;
}

/** An operation the server refused, or that could not be sent, told to the user until dismissed. */
export interface RefusedOp extends Refusal {
  readonly boardId: string;
  /** What was not saved and why, e.g. `Moving “Cut teaser” was not saved: the column no longer exists.`. */
  readonly text: string;
}

/** Board operations between the click and the server's answer, across pages. */
export interface PendingOpsState {
  readonly pending: readonly PendingBoardOp[];
  readonly refused: readonly RefusedOp[];
  /** Records an operation as sent or queued. */
  readonly add: (op: PendingBoardOp) => void;
  /** Forgets operation `opId` once answered; `refusal` says why when it was not saved. */
  readonly settle: (opId: string, refusal?: RefusedOp) => void;
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
  dismiss: (opId) => set(({ refused }) => ({ refused: refused.filter((r) => r.id !== opId) })),
}));

// Every change to a board's pending operations is saved, so a reload sends them still.
usePendingOpsStore.subscribe(({ pending }, previous) => {
  if (pending === previous.pending) return;
  const boards = new Set([...pending, ...previous.pending].map((p) => p.boardId));
  for (const boardId of boards)
    saveBoardOps(
      boardId,
      pending.filter((p) => p.boardId === boardId).map(({ op, at, title }) => ({ op, at, title })),
    );
});
