import type { StageName, Workflow } from '@liveline/protocol';
import { errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { DomainFailure } from '../DomainFailure.js';
import type { LeaseFence } from '../../storage/Storage.js';
import { fenceOf, type RunOwnership } from './createRunOwnership.js';
import { resumeStage } from './newWorkflow.js';
import { isTerminal, type UnnumberedWorkflowEvent } from './runWorkflow.js';
import type { Stage } from './Stage.js';

/** Times a run is resumed at most (rule W4); the next takeover ends it `interrupted`. */
export const RESUME_LIMIT = 3;

/**
 * Takes over runs (rules W4, WL4): a run that was running here before a restart, or whose owner's
 * lease lapsed, is taken with a new token and resumed from its first stage not completed; past
 * {@link RESUME_LIMIT} resumes it ends `interrupted` instead, so a stage that crashes the server
 * is not run forever. The token counts the takings (it grows by one per taking); those after a
 * handover (a clean stop) are no resumes.
 */
export function createTakeover(deps: {
  ownership: RunOwnership;
  stages: Partial<Record<StageName, Stage>>;
  now: () => number;
  log: Logger;
  /** Reads the run as stored, as of its room's head. */
  follow: (id: string) => Promise<unknown>;
  current: (id: string) => Workflow | null;
  /** Stores an event of the run under the lease `fence` names (WL3). */
  commit: (
    id: string,
    event: UnnumberedWorkflowEvent,
    fence: LeaseFence,
  ) => Promise<DomainFailure | null>;
  /** Whether the run runs here already (or the server is stopping). */
  busy: (id: string) => boolean;
  /** Runs the run under the lease it was taken with. */
  launch: (id: string, fence: LeaseFence) => void;
}): (id: string) => Promise<void> {
  const { ownership, now, log } = deps;
  const taking = new Set<string>();

  const resume = async (id: string): Promise<void> => {
    const lease = await ownership.take(id);
    if (!lease) return;
    const fence = fenceOf(lease);
    await deps.follow(id);
    const workflow = deps.current(id);
    if (!workflow || isTerminal(workflow)) return ownership.release(id);
    const stage = resumeStage(workflow, deps.stages);
    const resumes = lease.token - 1 - lease.handovers;
    if (resumes > RESUME_LIMIT) {
      const reason = `resumed ${RESUME_LIMIT} times without finishing: a stage may be crashing the server`;
      const refused = await deps.commit(
        id,
        { type: 'workflow.interrupted', data: { workflow_id: id, reason, at: now() } },
        fence,
      );
      // Not ended: the lease must lapse for a node to take the run again and end it; a released
      // lease is never found lapsed, and the run would stay unfinished.
      if (refused) return ownership.drop(id);
      log.warn('workflow.interrupted', { workflow_id: id, stage, reason });
      return ownership.release(id);
    }
    const refused = await deps.commit(
      id,
      { type: 'workflow.resumed', data: { workflow_id: id, stage, at: now() } },
      fence,
    );
    // Not resumed: the lease lapses, and a node (this one, maybe) tries again.
    if (refused) return ownership.drop(id);
    // Why it was taken: resumes after a crash or a lapsed lease count toward the limit, takings
    // after a clean stop (handovers) do not.
    log.info('workflow.resumed', {
      workflow_id: id,
      stage,
      resumes,
      resume_limit: RESUME_LIMIT,
      handovers: lease.handovers,
    });
    deps.launch(id, fence);
  };

  return async (id) => {
    if (deps.busy(id) || taking.has(id)) return;
    taking.add(id);
    try {
      await resume(id);
    } catch (error) {
      ownership.drop(id);
      log.error('workflow.takeover_failed', { workflow_id: id, error: errorMessage(error) });
    } finally {
      taking.delete(id);
    }
  };
}
