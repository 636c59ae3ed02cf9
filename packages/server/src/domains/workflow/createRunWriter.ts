import { applyWorkflowEvent, type Workflow, type WorkflowEvent } from '@liveline/protocol';
import { encodeMessage } from '../../encodeMessage.js';
import type { Logger } from '../../log/createLogger.js';
import type { LeaseFence } from '../../storage/Storage.js';
import { domainFailure, type DomainFailure } from '../DomainFailure.js';
import {
  fencedOut,
  isFenced,
  type Append,
  type AppendOutcome,
  type EventLog,
} from '../createEventLog.js';
import type { HeldRuns } from './createHeldRuns.js';
import type { RunOwnership } from './createRunOwnership.js';
import { isTerminal, type UnnumberedWorkflowEvent } from './runWorkflow.js';

/** A run's lease was lost to another node: its work stops without writing (rule WL2). */
class LeaseLostError extends Error {
  override readonly name = 'LeaseLostError';
}

/** How this node writes the events of workflow runs, each under the lease it runs with (WL3). */
export interface RunWriter {
  /**
   * Builds, reduces (once), stores and publishes an event with `append`, in its room's turn; keeps
   * the workflow it produces. An event built after the run's end is refused (W3).
   */
  readonly append: (
    append: Append,
    id: string,
    event: UnnumberedWorkflowEvent,
    fence: LeaseFence | undefined,
  ) => Promise<AppendOutcome<WorkflowEvent>>;
  /**
   * Stores and publishes an event, fenced with the lease the writer ran the run under, or unfenced
   * for a write that needs no ownership (a cancel on a node that does not own the run); answers why
   * not. A write under a lease this node no longer holds is refused like one storage fenced (WL3):
   * the events a run queued before it lost its lease must not follow the first refusal unfenced.
   */
  readonly commit: (
    id: string,
    event: UnnumberedWorkflowEvent,
    fence: LeaseFence | undefined,
  ) => Promise<DomainFailure | null>;
  /** Whether this node still holds exactly the lease `fence` names (not a newer one of its own). */
  readonly holds: (fence: LeaseFence) => boolean;
  /** Stops a run another node took, without writing anything more (rule WL2). */
  readonly lose: (id: string) => void;
}

/** Creates the {@link RunWriter} of the runs `running` runs here and `ownership` owns. */
export function createRunWriter(deps: {
  events: EventLog;
  runs: HeldRuns;
  ownership: RunOwnership;
  /** The runs this node runs, each with what aborts its work. */
  running: ReadonlyMap<string, AbortController>;
  log: Logger;
  room: (id: string) => string;
}): RunWriter {
  const { events, runs, ownership, running, log, room } = deps;

  const lose = (id: string): void => {
    log.warn('workflow.lease_lost', { workflow_id: id });
    ownership.drop(id);
    running.get(id)?.abort(new LeaseLostError(`workflow ${id} is owned by another node now`));
  };
  const appendEvent = (
    append: Append,
    id: string,
    event: UnnumberedWorkflowEvent,
    fence: LeaseFence | undefined,
  ): Promise<AppendOutcome<WorkflowEvent>> => {
    let next: Workflow | null = null;
    return append<WorkflowEvent>({
      ...runs.follower(id),
      ...(fence && { fence }),
      build(position) {
        // A run that ended (a cancel, here or on another node) takes no more events (W3): its
        // work stops here.
        const workflow = runs.get(id);
        if (event.type === 'workflow.created' || !workflow || !isTerminal(workflow))
          return { ...event, ...position };
        running.get(id)?.abort(new Error(`workflow ${id} is already ${workflow.status}`));
        return domainFailure('conflict', `workflow "${id}" is already ${workflow.status}`, 'id');
      },
      serialize: (numbered) => encodeMessage('workflow', numbered),
      reduce(numbered) {
        next = applyWorkflowEvent(runs.get(id), numbered);
        return next ? [{ kind: 'workflow', id, value: next }] : [];
      },
      apply: () => {
        if (next) runs.hold(id, next);
      },
    });
  };

  const holds = (fence: LeaseFence): boolean => ownership.fence(fence.runId)?.token === fence.token;

  const commit = async (
    id: string,
    event: UnnumberedWorkflowEvent,
    fence: LeaseFence | undefined,
  ): Promise<DomainFailure | null> => {
    const outcome = await events.inTurn(room(id), (append) =>
      fence && !holds(fence)
        ? Promise.resolve(fencedOut(room(id)))
        : appendEvent(append, id, event, fence),
    );
    if (!('ok' in outcome)) return null;
    if (isFenced(outcome)) {
      if (fence && holds(fence)) lose(id);
    } else if (outcome.error.code !== 'conflict')
      log.error('workflow.persist_failed', {
        workflow_id: id,
        event_type: event.type,
        error: outcome.error.message,
      });
    return outcome;
  };
  return { append: appendEvent, commit, holds, lose };
}
