import type { Channel } from '@liveline/ws-client';
import { usePendingOpsStore } from '../stores/pendingOpsStore';

/**
 * After operation `opId` was given up on (the outbox's TTL passed) while it may have been on its
 * way, takes back its "not saved" once the server shows it applied it after all: its `ack` (also a
 * `duplicate` one, B2) or its event arrives. Stops watching then, or once the user dismissed the
 * refusal. Passive: it keeps no socket open.
 */
export function watchLateAck(channel: Channel<'board'>, opId: string): void {
  const stop = () => {
    unlisten();
    unwatch();
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
}
