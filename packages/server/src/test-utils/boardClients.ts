import {
  applyBoardEvent,
  boardEventSchema,
  boardSchema,
  parse,
  type Board,
} from '@liveline/protocol';
import { expect } from 'vitest';
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

/** The card ids a client saw created, in the order it saw them. */
export const createdSeen = (client: TestClient): string[] =>
  client.messages
    .filter((m) => m.type === 'card.created')
    .map((m) => (dataOf(m).card as { id: string }).id);

/**
 * Sends a board op until it is acked, again with the same op id after each `unavailable` (like
 * ws-client's outbox, S4), and answers the ack. The retry is paced, not waited on a condition:
 * nothing a client can watch says when a node takes writes again. `/health` lags the write path by
 * up to the storage probe's second and never leaves `healthy` when one PostgreSQL backend is
 * terminated, and resending on each answer would flood the node while its Redis reconnects.
 */
export const sendUntilAcked = async (client: TestClient, id: string): Promise<TestMessage> => {
  for (;;) {
    createCard(client, id);
    const answer = await client.next(
      (m) => (m.type === 'ack' || m.type === 'error') && dataOf(m).op_id === id,
      10_000,
    );
    if (answer.type === 'ack') return answer;
    expect(dataOf(answer).code).toBe('unavailable');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};
