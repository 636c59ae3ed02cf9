import {
  PIPELINE,
  TERMINAL_WORKFLOW_STATUSES,
  WORKFLOW_STATUSES,
  type Artifact,
  type StageName,
  type Workflow,
  type WorkflowEvent,
  type WorkflowStatus,
} from '@liveline/protocol';
import { errorDetail, errorMessage } from '../../errors.js';
import type { Logger } from '../../log/createLogger.js';
import type { DomainFailure } from '../DomainFailure.js';
import type { AgentPool, StageOutcome } from './createAgentPool.js';
import type { WorkflowMetrics } from './createWorkflowMetrics.js';
import { clip } from './scriptText.js';
import type { Stage } from './Stage.js';
import { StageFailedError } from './Stage.js';

/** A workflow event before its room numbers it. */
export type UnnumberedWorkflowEvent = WorkflowEvent extends infer E
  ? E extends WorkflowEvent
    ? Omit<E, 'seq' | 'epoch'>
    : never
  : never;

/** Whether a workflow has ended (completed, failed, cancelled or interrupted). */
export const isTerminal = (w: Workflow): boolean => TERMINAL_WORKFLOW_STATUSES.includes(w.status);
/** The statuses of a run that has not ended, which a start resumes (rule W4). */
export const UNFINISHED_STATUSES: readonly WorkflowStatus[] = WORKFLOW_STATUSES.filter(
  (status) => !TERMINAL_WORKFLOW_STATUSES.includes(status),
);

/** What a run needs from its domain. */
export interface RunContext {
  readonly stages: Partial<Record<StageName, Stage>>;
  readonly pool: AgentPool;
  readonly now: () => number;
  /** The workflow as stored and applied now. */
  readonly current: (id: string) => Workflow | null;
  /**
   * Stores and publishes one event of the run under the lease it was started or taken with (WL3);
   * answers why not if storage refused it or that lease is no longer this node's.
   */
  readonly commit: (id: string, event: UnnumberedWorkflowEvent) => Promise<DomainFailure | null>;
  /** Counts stage latencies and completions. */
  readonly metrics: Pick<WorkflowMetrics, 'stageDone' | 'completed'>;
  /** Where a failed run is logged, for an operator (watchers get the stored event). */
  readonly log: Logger;
}

/** How a run records its events: `commit` throws if storage refused one, `progress` does not wait. */
interface RunEvents {
  readonly commit: (event: UnnumberedWorkflowEvent) => Promise<void>;
  readonly progress: (event: UnnumberedWorkflowEvent) => void;
}

/** Storage refused an event of the run, so the run stops (rule S3). */
class NotStoredError extends Error {
  override readonly name = 'NotStoredError';
}

/**
 * Runs a workflow's remaining stages in pipeline order, each on its agent; rejects with the
 * failing stage. A resumed run (rule W4) skips the stages it completed and hands their stored
 * artifacts to the stages after them.
 */
async function runStages(
  context: RunContext,
  id: string,
  signal: AbortSignal,
  { commit, progress }: RunEvents,
): Promise<void> {
  const { now } = context;
  const artifacts: Partial<Record<StageName, Artifact>> = {};
  for (const done of context.current(id)?.stages ?? [])
    if (done.status === 'completed' && done.artifact) artifacts[done.stage] = done.artifact;
  let started = context.current(id)?.status === 'running';
  for (const step of PIPELINE) {
    const workflow = context.current(id);
    if (!workflow || isTerminal(workflow)) return;
    const stage = context.stages[step.stage];
    const status = workflow.stages.find((s) => s.stage === step.stage)?.status;
    if (!stage || status === 'skipped' || status === 'completed') continue;
    const lease = await context.pool.acquire(step.agent, id, step.stage, signal);
    const startedAt = now();
    // Released however the stage ends (one that resolves although aborted would otherwise keep
    // its slot), and counted only once its completion is stored (AG1).
    let outcome: StageOutcome = { kind: 'aborted' };
    try {
      if (!started)
        await commit({ type: 'workflow.started', data: { workflow_id: id, at: startedAt } });
      started = true;
      await commit({
        type: 'stage.started',
        data: { workflow_id: id, stage: step.stage, at: startedAt },
      });
      const input = { id, mode: workflow.mode, text: workflow.input, title: workflow.title };
      const artifact = await stage.run(input, artifacts, signal, (value) => {
        // The room's turns keep progress in call order; the completion waits behind it.
        if (!signal.aborted)
          progress({
            type: 'stage.progress',
            data: { workflow_id: id, stage: step.stage, progress: value, at: now() },
          });
      });
      if (signal.aborted) return;
      artifacts[step.stage] = artifact;
      await commit({
        type: 'stage.completed',
        data: { workflow_id: id, stage: step.stage, artifact, at: now() },
      });
      outcome = { kind: 'completed' };
      context.metrics.stageDone(now() - startedAt);
    } catch (thrown) {
      if (!signal.aborted) outcome = { kind: 'error', error: clip(errorMessage(thrown)) };
      throw thrown instanceof StageFailedError || signal.aborted
        ? thrown
        : new StageFailedError(step.stage, errorMessage(thrown), { cause: thrown });
    } finally {
      lease.release(outcome);
    }
  }
  await commit({ type: 'workflow.completed', data: { workflow_id: id, at: now() } });
  context.metrics.completed();
}

/**
 * Runs a workflow until it ends or `cancelled` aborts. A failing stage fails the workflow. An
 * event storage refuses stops the run (rule S3): it is marked failed if storage takes that, and
 * otherwise its domain lets the run's lease lapse, so that it is taken over and resumes from its
 * stored state (rules W4, WL4).
 */
export async function runWorkflow(
  context: RunContext,
  id: string,
  cancelled: AbortSignal,
): Promise<void> {
  const refusal = new AbortController();
  const refuse = (event: UnnumberedWorkflowEvent, failure: DomainFailure): NotStoredError => {
    const error = new NotStoredError(`${event.type} not stored: ${failure.error.message}`);
    refusal.abort(error);
    return error;
  };
  const events: RunEvents = {
    async commit(event) {
      const failure = await context.commit(id, event);
      if (failure) throw refuse(event, failure);
    },
    progress(event) {
      void context.commit(id, event).then((failure) => failure && refuse(event, failure));
    },
  };
  let failure: unknown = null;
  try {
    await runStages(context, id, AbortSignal.any([cancelled, refusal.signal]), events);
  } catch (error) {
    failure = error;
  }
  if (cancelled.aborted) return;
  const reason: unknown = refusal.signal.aborted ? refusal.signal.reason : failure;
  if (reason === null) return;
  const data = {
    workflow_id: id,
    stage: reason instanceof StageFailedError ? reason.stage : null,
    reason: clip(errorMessage(reason)),
  };
  const refused = await context.commit(id, {
    type: 'workflow.failed',
    data: { ...data, at: context.now() },
  });
  // A run whose failure storage refused has not failed: it stays running and resumes where its
  // lease lapses (persist_failed names the refusal). The detail (a tool's path and stderr) is the
  // operator's: watchers get the reason only.
  if (!refused) context.log.warn('workflow.failed', { ...data, detail: errorDetail(reason) });
}
