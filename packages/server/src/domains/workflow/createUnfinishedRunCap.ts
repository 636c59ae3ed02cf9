import type { Logger } from '../../log/createLogger.js';
import type { Storage } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import { createTurns } from '../createTurns.js';
import { UNFINISHED_STATUSES } from './runWorkflow.js';

/**
 * Seconds a refused start is told to wait (`Retry-After`): a place frees when any unfinished run
 * ends, which no count predicts, so it is a hint of the order of a stage's work.
 */
export const UNFINISHED_RUNS_RETRY_AFTER_S = 10;

/** The cap on unfinished (queued or running) runs (rule W8). */
export interface UnfinishedRunCap {
  /**
   * Runs `store`, the start of a new run (the work that stores it), unless `max` runs are queued
   * or running in storage: then `conflict`'s failure if it has one (the id is taken: no new run),
   * else `limit_exceeded` naming the cap. Resumed and taken-over runs do not pass here: they are
   * stored already.
   */
  start<T>(
    store: () => Promise<T>,
    conflict: () => Promise<DomainFailure | null>,
  ): Promise<T | DomainFailure>;
}

/** Creates the cap on unfinished runs over `storage`'s counts. */
export function createUnfinishedRunCap(
  storage: Storage,
  max: number,
  log: Logger,
): UnfinishedRunCap {
  // One start at a time on this node, counted after the one before it is stored: of starts racing
  // for the last place only one gets it. A cluster's nodes do not wait on each other.
  const turns = createTurns();
  // Logged when the cap starts refusing, not per refusal: a client retrying in a loop costs the
  // log one line until a start is admitted again.
  let refusing = false;
  const admit = async <T>(
    store: () => Promise<T>,
    conflict: () => Promise<DomainFailure | null>,
  ) => {
    const unfinished = await storage.countWorkflowsIn(UNFINISHED_STATUSES);
    if (unfinished < max) {
      refusing = false;
      return store();
    }
    // A retry of a start whose answer was lost is told its id is taken at once, not to come back
    // in 10 s to hear it then; checked only when refusing, where it costs a read per refusal. Only a
    // stored run, not another node's lease on the id: seeing one means taking it (W8 says why).
    const taken = await conflict();
    if (taken) return taken;
    if (!refusing) log.warn('workflow.runs_capped', { unfinished, max });
    refusing = true;
    return domainFailure(
      'limit_exceeded',
      `the server already has ${unfinished} unfinished runs (queued or running), the most it keeps is ${max} (MAX_UNFINISHED_RUNS); retry in ${UNFINISHED_RUNS_RETRY_AFTER_S} s`,
    );
  };
  return { start: (store, conflict) => turns.run(() => admit(store, conflict)) };
}
