import { WORKFLOW_STATUSES, type WorkflowStatus } from '@liveline/protocol';
import type { WorkflowCounts } from './Storage.js';

/** A count per status from the engine's `(status, count)` rows: every status, 0 when absent. */
export function workflowCountsOf(
  rows: readonly { readonly status: unknown; readonly count: unknown }[],
): WorkflowCounts {
  const counts = Object.fromEntries(WORKFLOW_STATUSES.map((s) => [s, 0])) as Record<
    WorkflowStatus,
    number
  >;
  for (const { status, count } of rows)
    if ((WORKFLOW_STATUSES as readonly unknown[]).includes(status))
      counts[status as WorkflowStatus] = Number(count);
  return counts;
}
