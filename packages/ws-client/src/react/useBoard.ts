import { DEFAULT_BOARD_ID, type BoardOp } from '@liveline/protocol';
import { useMemo } from 'react';
import type { ConnectionState } from '../core/connectionMachine.js';
import type { Channel } from '../core/createChannel.js';
import type { SendResult } from '../core/createSocketLoop.js';
import { EMPTY_BOARD, reduceBoard, type BoardView } from '../core/boardView.js';
import { useChannel } from './useChannel.js';
import { useConnection } from './useConnection.js';
import { useLivelineClient } from './useLivelineClient.js';
import { useView } from './useView.js';

/** A board operation without its `op_id`, which {@link useBoard} adds. */
export type BoardOpInput = BoardOp extends infer O
  ? O extends BoardOp
    ? Omit<O, 'op_id'>
    : never
  : never;

/** What {@link useBoard} returns. */
export interface UseBoard extends BoardView {
  readonly connection: ConnectionState;
  /** The board's shared channel, for what `apply` does not cover (e.g. `presence.update`). */
  readonly channel: Channel<'board'>;
  /** Sends an operation with a fresh `op_id`; queued while offline and delivered once (rule B2). */
  readonly apply: (op: BoardOpInput) => SendResult;
}

let sequence = 0;

/** A board, live, with operations that survive disconnects. */
export function useBoard(boardId: string = DEFAULT_BOARD_ID): UseBoard {
  const client = useLivelineClient();
  const channel = useChannel('board', { query: { board_id: boardId } });
  const view = useView(channel, reduceBoard, EMPTY_BOARD);
  const actions = useMemo(
    () => ({
      apply: (op: BoardOpInput) =>
        channel.send({
          ...op,
          op_id: `${client.environment.random().toString(36).slice(2, 10)}.${++sequence}`,
        }),
    }),
    [channel, client],
  );
  return { ...view, ...actions, channel, connection: useConnection(channel) };
}
