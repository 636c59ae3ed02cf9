import { useMemo } from 'react';
import type { BoardClientMessage } from '@liveline/protocol';
import { EMPTY_BOARD, reduceBoard, type BoardView } from '@liveline/ws-client';
import { channelStore } from '../lib/channelStore';
import { openChannel } from '../lib/liveline';
import { newId } from '../lib/newId';
import { useChannelState } from './useChannelState';

type Op = BoardClientMessage extends infer M
  ? M extends { op_id: string }
    ? Omit<M, 'op_id'>
    : never
  : never;

/** Board operations; each is queued while offline and applied once by its `op_id`. */
export interface BoardActions {
  readonly apply: (op: Op) => void;
  readonly setName: (name: string) => void;
}

/** The live board `boardId` over `/ws/connect?board_id=`, and its operations. */
export function useBoard(boardId: string): BoardView & BoardActions {
  const channel = useMemo(() => openChannel('board', { query: { board_id: boardId } }), [boardId]);
  const store = useMemo(() => channelStore(channel, reduceBoard, EMPTY_BOARD), [channel]);
  const state = useChannelState(store);
  const actions = useMemo<BoardActions>(
    () => ({
      apply: (op) => void channel.send({ ...op, op_id: newId('op') }),
      // Only the newest name matters while offline.
      setName: (name) => void channel.send({ type: 'presence.update', name }, { key: 'presence' }),
    }),
    [channel],
  );
  return { ...state, ...actions };
}
