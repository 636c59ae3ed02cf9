import {
  PIPELINE,
  TERMINAL_WORKFLOW_STATUSES,
  type Artifact,
  type StageName,
  type Workflow,
  type WorkflowEvent,
} from '@liveline/protocol';
import { errorMessage } from '../../errors.js';
import type { AgentPool } from './createAgentPool.js';
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

/** What a run needs from its domain. */
export interface RunContext {
  readonly stages: Partial<Record<StageName, Stage>>;
  readonly pool: AgentPool;
  readonly now: () => number;
  /** The workflow as stored and applied now. */
  readonly current: (id: string) => Workflow | null;
  /** Stores and publishes one event of the run. */
  readonly commit: (id: string, event: UnnumberedWorkflowEvent) => Promise<void>;
  /** Counts stage latencies and completions. */
  readonly metrics: Pick<WorkflowMetrics, 'stageDone' | 'completed'>;
}

/**
 * Runs a workflow's remaining stages in pipeline order, each on its agent; rejects with the
 * failing stage. A resumed run (rule W4) skips the stages it completed and hands their stored
 * artifacts to the stages after them.
 */
async function runStages(context: RunContext, id: string, signal: AbortSignal): Promise<void> {
  const { commit, now } = context;
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
    try {
      if (!started)
        await commit(id, { type: 'workflow.started', data: { workflow_id: id, at: startedAt } });
      started = true;
      await commit(id, {
        type: 'stage.started',
        data: { workflow_id: id, stage: step.stage, at: startedAt },
      });
      const input = { id, mode: workflow.mode, text: workflow.input, title: workflow.title };
      const artifact = await stage.run(input, artifacts, signal, (progress) => {
        // The room's turns keep progress in call order; the completion waits behind it.
        if (!signal.aborted)
          void commit(id, {
            type: 'stage.progress',
            data: { workflow_id: id, stage: step.stage, progress, at: now() },
          });
      });
      if (signal.aborted) return;
      artifacts[step.stage] = artifact;
      await commit(id, {
        type: 'stage.completed',
        data: { workflow_id: id, stage: step.stage, artifact, at: now() },
      });
      context.metrics.stageDone(now() - startedAt);
      lease.release({ error: null });
    } catch (error) {
      lease.release({ error: signal.aborted ? null : clip(errorMessage(error)) });
      throw error instanceof StageFailedError || signal.aborted
        ? error
        : new StageFailedError(step.stage, errorMessage(error), { cause: error });
    }
  }
  await commit(id, { type: 'workflow.completed', data: { workflow_id: id, at: now() } });
  context.metrics.completed();
}

/** Runs a workflow until it ends or `signal` aborts; a failing stage fails the workflow. */
export async function runWorkflow(
  context: RunContext,
  id: string,
  signal: AbortSignal,
): Promise<void> {
  try {
    await runStages(context, id, signal);
  } catch (error) {
    if (signal.aborted) return;
    const stage = error instanceof StageFailedError ? error.stage : null;
    await context.commit(id, {
      type: 'workflow.failed',
      data: { workflow_id: id, stage, reason: clip(errorMessage(error)), at: context.now() },
    });
  }
}
