import {
  applyBoardEvent,
  isOrderedEvent,
  type Board,
  type ErrorData,
  type PresenceSummary,
  type ResumeLostReason,
  type ServerMessage,
} from '@liveline/protocol';

/** What a board page shows. */
export interface BoardView {
  readonly board: Board | null;
  /** This connection's id from the greeting. */
  readonly clientId: string | null;
  /** Who is on the board (rule B3). */
  readonly presence: PresenceSummary;
  readonly recovered: boolean;
  readonly reason: ResumeLostReason | null;
  /** The last `error` the server sent, e.g. for a rejected operation. */
  readonly lastError: ErrorData | null;
}

/** The initial {@link BoardView}. */
export const EMPTY_BOARD: BoardView = {
  board: null,
  clientId: null,
  presence: { count: 0, people: [] },
  recovered: true,
  reason: null,
  lastError: null,
};

/** Reduces `/ws/connect` messages with the protocol's {@link applyBoardEvent}. */
export function reduceBoard(state: BoardView, message: ServerMessage<'board'>): BoardView {
  if ('event' in message) return { ...state, clientId: message.data.client_id };
  if (message.type === 'snapshot')
    return {
      ...state,
      board: message.data,
      recovered: message.recovered !== false,
      reason: message.reason ?? null,
    };
  if (message.type === 'error') return { ...state, lastError: message.data };
  if (message.type === 'presence') return { ...state, presence: message.data };
  if (!isOrderedEvent(message) || !state.board) return state;
  return { ...state, board: applyBoardEvent(state.board, message) };
}
