import { applyBoardEvent, boardEventSchema, parse, type Board } from '@liveline/protocol';

/** The board a stored board event (its wire text) makes of `board`, or `null` if it is none. */
export const applyBoardFrame = (board: Board, frame: string): Board | null => {
  const event = parse(boardEventSchema, JSON.parse(frame));
  return event.ok ? applyBoardEvent(board, event.value) : null;
};
