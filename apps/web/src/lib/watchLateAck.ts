import type { Channel } from '@liveline/ws-client';
import { usePendingOpsStore } from '../stores/pendingOpsStore';

/** Op ids given up on while their board's socket was open, until that socket closes. */
const onOpenSocket = new Set<string>();

/**
 * Whether operation `opId`, given up on unanswered, may still reach the server: it was given up on
 * while its board's socket was open (it may be on its way there, on a stalled connection) and that
 * socket has not closed since. A frame the server has not read dies with its connection, so only
 * after that does a server that never applied it mean it never will.
 */
export const mayStillArrive = (opId: string): boolean => onOpenSocket.has(opId);

/**
 * After operation `opId` was given up on (the outbox's TTL passed) while it may have been on its
 * way, takes back its "not saved" once the server shows it applied it after all: its `ack` (also a
 * `duplicate` one, B2) or its event arrives. Stops watching then, or once the user dismissed the
 * refusal. Tells {@link mayStillArrive} until the socket open now closes. Passive: it keeps no
 * socket open.
 */
export function watchLateAck(channel: Channel<'board'>, opId: string): void {
  const stop = () => {
    unlisten();
    unwatch();
    offSocket();
  };
  const offSocket = () => {
    onOpenSocket.delete(opId);
    unsubscribe();
  };
  const unlisten = channel.onMessage((message) => {
    const { type, data } = message as { type: string; data?: { op_id?: unknown } };
    if (type === 'error' || data?.op_id !== opId) return;
    stop();
    usePendingOpsStore.getState().dismiss(opId);
  }, true);
  const unwatch = usePendingOpsStore.subscribe(({ refused }) => {
    if (!refused.some((r) => r.id === opId)) stop();
  });
  // Its status leaves `open` when the socket closes; the op is no longer written on later ones.
  const unsubscribe = channel.subscribe(() => {
    if (channel.getState().status !== 'open') offSocket();
  }, true);
  if (channel.getState().status === 'open') onOpenSocket.add(opId);
  else offSocket();
}
