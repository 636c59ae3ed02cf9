import {
  applyBoardEvent,
  type Board,
  type BoardEvent,
  type ServerMessage,
} from '@liveline/protocol';

/** The board as this page knows it, and who this page is on it. */
export interface BoardState {
  readonly board: Board | null;
  readonly clientId: string | null;
}

/** The state before the greeting and the snapshot. */
export const INITIAL_BOARD: BoardState = { board: null, clientId: null };

const CONTROL = new Set(['error', 'ack', 'heartbeat', 'time_sync', 'snapshot', 'resumed']);
const isEvent = (message: { type: string }): message is BoardEvent => !CONTROL.has(message.type);

/** Folds one `/ws/connect` message: greeting, snapshot, then ordered events (rule B1). */
export function reduceBoard(state: BoardState, message: ServerMessage<'board'>): BoardState {
  if ('event' in message) return { ...state, clientId: message.data.client_id };
  if (message.type === 'snapshot') return { ...state, board: message.data };
  if (!state.board || !isEvent(message)) return state;
  return { ...state, board: applyBoardEvent(state.board, message) };
}
