import {
  applyBoardEvent,
  boardEventSchema,
  boardSchema,
  parse,
  type Board,
} from '@liveline/protocol';
import { dataOf, type TestClient, type TestMessage } from './index.js';

/** Sends a board `card.create` whose op id and card id are `id`, into the backlog. */
export const createCard = (client: TestClient, id: string, title = id): void =>
  client.send({ type: 'card.create', op_id: id, card_id: id, column_id: 'backlog', title });

/** Sends a board operation and waits for its answer: its `ack` or its `error`. */
export function answerTo(
  client: TestClient,
  op: { op_id: string } & Record<string, unknown>,
): Promise<TestMessage> {
  client.send(op);
  return client.next(
    (m) => (m.type === 'ack' || m.type === 'error') && dataOf(m).op_id === op.op_id,
  );
}

/**
 * Sends a `card.create` for each of `ops` at once and waits up to 20 s for each op's answer (its
 * `ack` or `error`), in the order of `ops`.
 */
export function createCardsAtOnce(
  ops: readonly { client: TestClient; id: string }[],
): Promise<TestMessage[]> {
  for (const { client, id } of ops) createCard(client, id);
  return Promise.all(
    ops.map(({ client, id }) =>
      client.next(
        (m) => (m.type === 'ack' || m.type === 'error') && dataOf(m).op_id === id,
        20_000,
      ),
    ),
  );
}

/** The seq of an ordered message, or null. */
export const seqOf = (message: TestMessage): number | null =>
  typeof message.seq === 'number' ? message.seq : null;

/**
 * A client's board rebuilt from its snapshot and every event it got after it (a snapshot may lag
 * the events that follow it), the seqs of those events, and the snapshot's seq.
 */
export function boardSeenBy(client: TestClient): { board: Board; seqs: number[]; from: number } {
  const snapshot = client.messages.find((m) => m.type === 'snapshot');
  const parsed = parse(boardSchema, snapshot?.data);
  if (!snapshot || !parsed.ok) throw new Error('no board snapshot');
  const seqs: number[] = [];
  let board = parsed.value;
  for (const message of client.messages) {
    const event = parse(boardEventSchema, message);
    if (!event.ok) continue;
    seqs.push(seqOf(message) ?? -1);
    board = applyBoardEvent(board, event.value);
  }
  return { board, seqs, from: seqOf(snapshot) ?? -1 };
}
