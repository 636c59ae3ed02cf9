import { OP_ID_RETENTION_MS, OUTBOX_TTL_MS } from '@liveline/protocol';
import type { Channel } from '@liveline/ws-client';
import { usePendingOpsStore, type PendingBoardOp } from '../stores/pendingOpsStore';
import type { CardOp } from './applyPendingOps';
import { describeCardOp } from './describeCardOp';
import { newId } from './newId';
import { mayHaveApplied, refusalText } from './refusalReason';
import { watchLateAck } from './watchLateAck';
import { whenShown } from './whenShown';

/** A card operation without its `op_id`, which {@link sendCardOp} adds. */
export type CardOpInput = CardOp extends infer O
  ? O extends CardOp
    ? Omit<O, 'op_id'>
    : never
  : never;

/**
 * How long after it was made an operation may be sent again after a reload. The server keeps an
 * applied op id `OP_ID_RETENTION_MS` (G2) and the re-sent operation waits up to `OUTBOX_TTL_MS` in
 * the outbox, so a copy that reached the server before the reload is still answered `duplicate`
 * (B2), never applied twice.
 */
export const RESEND_WITHIN_MS = OP_ID_RETENTION_MS - OUTBOX_TTL_MS;

/**
 * Sends `pending` on its board's channel and keeps it pending (shown over the board, and saved for
 * a reload) until the server acknowledges it and the board shows it, or the server refuses it, or
 * it could not be sent in time: then it is dropped and the refusal names the card by its title.
 * Queued while offline, it is sent once
 * (rule B2); a reload sends it again with the same `op_id`, `sentBefore`: the page before the
 * reload may have sent it, so one that expires unsent here may have been saved all the same.
 */
export function trackCardOp(
  channel: Channel<'board'>,
  pending: PendingBoardOp,
  sentBefore = false,
): void {
  const { op, boardId, title } = pending;
  const { add, settle } = usePendingOpsStore.getState();
  add(pending);
  // The outbox keeps an operation this long (G2), so the request waits as long as it may be sent.
  channel.request(op, { timeoutMs: OUTBOX_TTL_MS }).then(
    // Drawn over the board until the board has its event, so it never vanishes in between: in
    // cluster mode the event of an acknowledged op whose publish failed comes once Redis is back.
    // A board's ack always names its seq (B2); one without would be settled at once.
    (ack) => whenShown(channel, ack.seq ?? 0, () => settle(op.op_id)),
    (error: unknown) => {
      const what = describeCardOp(op, title);
      // Sent and given up on unanswered: the server may have applied it, or still apply it.
      const doubt = mayHaveApplied(error, sentBefore) ? { at: pending.at, what } : undefined;
      const text = refusalText(what, 'saved', error, sentBefore);
      settle(op.op_id, { id: op.op_id, boardId, text, doubt });
      if (doubt) watchLateAck(channel, op.op_id);
    },
  );
}

/** Sends a new card operation with a fresh `op_id`; see {@link trackCardOp}. */
export function sendCardOp(
  channel: Channel<'board'>,
  boardId: string,
  input: CardOpInput,
  title: string,
): void {
  trackCardOp(channel, { op: { ...input, op_id: newId('op') }, boardId, at: Date.now(), title });
}
