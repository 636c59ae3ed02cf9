import type { Board, Card } from '@liveline/protocol';

/** Each card's encoded size: a card object never changes (the reducer replaces it), so it is measured once. */
const cardBytes = new WeakMap<Card, number>();

const encodedBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value));

/**
 * The bytes of `board` as JSON (UTF-8), as stored and as a snapshot carries it (rule B4). The
 * cards, nearly all of a board, are measured once each and summed with the commas between them;
 * only the rest (id and columns, small under the caps) is encoded again on each call.
 */
export function boardBytes(board: Board): number {
  let cards = Math.max(0, board.cards.length - 1);
  for (const card of board.cards) {
    let bytes = cardBytes.get(card);
    if (bytes === undefined) cardBytes.set(card, (bytes = encodedBytes(card)));
    cards += bytes;
  }
  return encodedBytes({ ...board, cards: [] }) + cards;
}
