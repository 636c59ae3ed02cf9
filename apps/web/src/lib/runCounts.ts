import type { ServerMessage } from '@liveline/protocol';

/** Before the first metrics. */
export const NO_RUN_COUNTS = '';

/**
 * The coordinator's counts of runs by status as one string: it changes exactly when a run is
 * created, queued, started or ends anywhere, and a string lets React skip renders while it holds.
 */
export function reduceRunCounts(counts: string, message: ServerMessage<'coordinator'>): string {
  if (message.type !== 'metrics') return counts;
  return Object.entries(message.data.workflows)
    .map(([status, n]) => `${status}=${n}`)
    .join(' ');
}
