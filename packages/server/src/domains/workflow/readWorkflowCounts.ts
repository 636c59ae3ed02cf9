import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { Storage, WorkflowCounts } from '../../storage/Storage.js';

/**
 * The stored runs' counts for the metrics (rule CM1), the same on every node since every node
 * reads the one store. A failed read answers the last counts (logged once per outage), so that
 * the metrics keep ticking; while a read is in flight the next one answers the last counts at
 * once instead of queueing reads behind a slow database. Null until a read worked: no counts
 * yet, which zeros would misstate as no runs stored.
 */
export function readWorkflowCounts(
  storage: Storage,
  log: Logger,
): () => Promise<WorkflowCounts | null> {
  let last: WorkflowCounts | null = null;
  let reading = false;
  let failing = false;
  return async () => {
    if (reading) return last;
    reading = true;
    try {
      last = await storage.countWorkflows();
      if (failing) log.info('workflow.counts_recovered', {});
      failing = false;
    } catch (error) {
      if (!failing) log.warn('workflow.counts_failed', { error: errorMessage(error) });
      failing = true;
    } finally {
      reading = false;
    }
    return last;
  };
}
