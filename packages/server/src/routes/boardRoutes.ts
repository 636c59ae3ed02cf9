import { randomInt } from 'node:crypto';
import { DEFAULT_BOARD_ID, type ErrorCode } from '@liveline/protocol';
import { actorOf } from '../auth/actorOf.js';
import type { BoardDomain } from '../domains/board/createBoardDomain.js';
import type { Broker } from '../rooms/Broker.js';
import type { RouteHandlers } from '../transport/RouteHandlers.js';
import { closeFailedJoin, joinLatestRoom, joinOrdered } from './joinRooms.js';
import { outageFailure } from './outageFailure.js';

const GREETING_MESSAGE = 'Connected to Agent Kanban Board WebSocket';

/** Microseconds into the second of `epochMs`, six digits, as the Kanban document's times carry them. */
const microsIntoSecond = (epochMs: number): string =>
  String(Math.floor((epochMs % 1000) * 1000)).padStart(6, '0');

/** Server time as the Kanban document shows it: ISO, microseconds, no zone (`2025-08-10T23:42:10.702162`). */
const kanbanServerTime = (epochMs: number): string =>
  `${new Date(Math.floor(epochMs)).toISOString().slice(0, 19)}.${microsIntoSecond(epochMs)}`;

/**
 * A client id shaped as the Kanban document's (`client_1754869330.70214`, epoch seconds and a
 * fraction): the seconds and microseconds of `epochMs`, then five random digits, so two clients
 * greeted in the same microsecond, on any node, do not share an id (their presence is keyed by it).
 */
const kanbanClientId = (epochMs: number): string =>
  `client_${Math.floor(epochMs / 1000)}.${microsIntoSecond(epochMs)}${randomInt(10_000, 100_000)}`;

/**
 * The status of a refused operation over HTTP, by its code; `unavailable` (and anything else) is
 * 503. A full board (rule B4) conflicts with the board's state, as an id already taken does.
 */
const OP_FAILURE_STATUS: Partial<Record<ErrorCode, number>> = {
  not_found: 404,
  conflict: 409,
  limit_exceeded: 409,
};

/** Handlers of the Kanban routes: `/ws/connect` and `/api/boards/:id[/ops]`. */
export function boardRoutes(
  broker: Broker,
  boards: BoardDomain,
  now: () => number,
): Pick<RouteHandlers, 'board' | 'boardGet' | 'boardOp'> {
  return {
    board: ({ connection, query, resume, identity }) => {
      const requested = query.get('board_id');
      const boardId = requested ?? DEFAULT_BOARD_ID;
      const t = now();
      const clientId = kanbanClientId(t);
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
      const actor = actorOf(identity);
      // The board's room opens with its stored epoch and history before the join decides on a
      // resume; joining first would answer a resuming client with a fresh epoch.
      const joined = boards
        .open(boardId)
        .then(async () => {
          await joinOrdered(broker, boards.room(boardId), connection, resume, {
            snapshot: () => {
              const { board, ...position } = boards.snapshot(boardId);
              return { ...position, data: board };
            },
            catchUp: () => boards.open(boardId),
          });
          joinLatestRoom(broker, boards.presenceRoom(boardId), connection);
          // With auth on the name is the token's, and nobody can claim another (rule B3).
          if (connection.open)
            boards.setPresence(boardId, clientId, actor?.name ?? `Guest ${clientId.slice(-5)}`);
          return true;
        })
        .catch((error: unknown) => {
          closeFailedJoin(connection, error);
          return false;
        });
      return {
        async onMessage(message) {
          // What a socket sent while its join ran is dropped once it closed before the join ended
          // (K5): its client saw it close unanswered and may already have been told it never applied;
          // and a presence naming a socket that already left (onClose) would keep a ghost.
          if (!(await joined) || !connection.open) return;
          if (message.type === 'presence.update') {
            if (!actor) boards.setPresence(boardId, clientId, message.name);
            return;
          }
          const result = await boards.apply(boardId, message, actor);
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
    boardGet: async ({ params }) => {
      try {
        await boards.open(params.id);
      } catch (error) {
        return outageFailure(error);
      }
      const { board, seq, epoch } = boards.snapshot(params.id);
      return { status: 200, body: { board, seq, epoch } };
    },
    boardOp: async ({ params, body, identity }) => {
      const result = await boards.apply(params.id, body, actorOf(identity));
      if (!result.ok)
        return { status: OP_FAILURE_STATUS[result.error.code] ?? 503, error: result.error };
      return {
        status: result.duplicate ? 200 : 201,
        body: { op_id: result.op_id, seq: result.seq, duplicate: result.duplicate },
      };
    },
  };
}
