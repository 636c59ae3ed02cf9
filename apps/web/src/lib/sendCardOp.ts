import { OUTBOX_TTL_MS } from '@liveline/protocol';
import { LivelineError, type Channel } from '@liveline/ws-client';
import { usePendingOpsStore } from '../stores/pendingOpsStore';
import type { CardOp } from './applyPendingOps';
import { newId } from './newId';
import { refusalReason } from './refusalReason';
import { watchLateAck } from './watchLateAck';

/** A card operation without its `op_id`, which {@link sendCardOp} adds. */
export type CardOpInput = CardOp extends infer O
  ? O extends CardOp
    ? Omit<O, 'op_id'>
    : never
  : never;

const DOING: Readonly<Record<CardOp['type'], string>> = {
  'card.create': 'Adding',
  'card.update': 'Saving',
  'card.move': 'Moving',
  'card.delete': 'Deleting',
};

/**
 * Sends a card operation on the board's channel and keeps it pending (shown over the board) until
 * the server acknowledges it, or refuses it, or it could not be sent in time: then it is dropped
 * and the refusal names the card by `title`. Queued while offline, it is sent once (rule B2).
 */
export function sendCardOp(
  channel: Channel<'board'>,
  boardId: string,
  input: CardOpInput,
  title: string,
): void {
  const op: CardOp = { ...input, op_id: newId('op') };
  const { add, settle } = usePendingOpsStore.getState();
  add({ op, boardId, at: Date.now() });
  // The outbox keeps an operation this long (G2), so the request waits as long as it may be sent.
  channel.request(op, { timeoutMs: OUTBOX_TTL_MS }).then(
    () => settle(op.op_id),
    (error: unknown) => {
      settle(op.op_id, {
        id: op.op_id,
        boardId,
        text: `${DOING[op.type]} “${title}” was not saved: ${refusalReason(error)}.`,
      });
      // Given up on while it may have been on its way: the server may still apply it.
      if (error instanceof LivelineError && (error.code === 'timeout' || error.code === 'expired'))
        watchLateAck(channel, op.op_id);
    },
  );
}
