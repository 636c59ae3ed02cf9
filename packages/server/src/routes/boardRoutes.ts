import { randomInt } from 'node:crypto';
import { DEFAULT_BOARD_ID } from '@liveline/protocol';
import type { BoardDomain } from '../domains/board/createBoardDomain.js';
import type { Broker } from '../rooms/Broker.js';
import type { RouteHandlers } from '../transport/RouteHandlers.js';
import { joinLatestRoom, joinOrdered } from './joinRooms.js';

const GREETING_MESSAGE = 'Connected to Agent Kanban Board WebSocket';

/** Server time as the Kanban document shows it: ISO, microseconds, no zone (`2025-08-10T23:42:10.702162`). */
export const kanbanServerTime = (epochMs: number): string => {
  const micros = String(Math.floor((epochMs * 1000) % 1000)).padStart(3, '0');
  return `${new Date(Math.floor(epochMs)).toISOString().slice(0, -1)}${micros}`;
};

/** Handlers of the Kanban routes: `/ws/connect` and `/api/boards/:id[/ops]`. */
export function boardRoutes(
  broker: Broker,
  boards: BoardDomain,
  now: () => number,
): Pick<RouteHandlers, 'board' | 'boardGet' | 'boardOp'> {
  return {
    board: ({ connection, query, resume }) => {
      const requested = query.get('board_id');
      const boardId = requested ?? DEFAULT_BOARD_ID;
      const t = now();
      const clientId = `client_${Math.floor(t)}.${randomInt(10_000, 99_999)}`;
      // The greeting comes first and byte-compatible with the Kanban document (rule B0).
      connection.sendMessage({
        event: 'connected',
        data: {
          client_id: clientId,
          message: GREETING_MESSAGE,
          board_id: requested,
          server_time: kanbanServerTime(t),
        },
      });
      // Loading the board opens its room with the stored epoch and history, which the resume
      // decision needs; joining first would answer a resuming client with a fresh epoch.
      boards.board(boardId);
      joinOrdered(broker, boards.room(boardId), connection, resume, () => boards.board(boardId));
      joinLatestRoom(broker, boards.presenceRoom(boardId), connection);
      boards.setPresence(boardId, clientId, `Guest ${clientId.slice(-5)}`);
      return {
        onMessage(message) {
          if (message.type === 'presence.update') {
            boards.setPresence(boardId, clientId, message.name);
            return;
          }
          const result = boards.apply(boardId, message);
          if (!result.ok) {
            const { field, ...rest } = result.error;
            connection.sendError({ ...rest, ...(field ? { field } : {}), op_id: message.op_id });
            return;
          }
          connection.sendMessage({
            type: 'ack',
            data: { op_id: result.op_id, seq: result.seq, duplicate: result.duplicate },
          });
        },
        onClose: () => boards.setPresence(boardId, clientId, null),
      };
    },
    boardGet: ({ params }) => {
      const board = boards.board(params.id);
      const window = broker.window(boards.room(params.id));
      return { status: 200, body: { board, seq: window.headSeq, epoch: window.epoch } };
    },
    boardOp: ({ params, body }) => {
      const result = boards.apply(params.id, body);
      if (!result.ok)
        return {
          status:
            result.error.code === 'not_found' ? 404 : result.error.code === 'conflict' ? 409 : 503,
          error: result.error,
        };
      return {
        status: result.duplicate ? 200 : 201,
        body: { op_id: result.op_id, seq: result.seq, duplicate: result.duplicate },
      };
    },
  };
}
