import type { Workflow, WorkflowEvent, StageState } from './workflow.js';

const withStage = (
  workflow: Workflow,
  stage: StageState['stage'],
  at: number,
  change: Partial<StageState>,
): Workflow => ({
  ...workflow,
  updated_at: at,
  stages: workflow.stages.map((s) => (s.stage === stage ? { ...s, ...change } : s)),
});

const finish = (
  workflow: Workflow,
  at: number,
  change: Partial<Workflow>,
  stageStatus: StageState['status'],
): Workflow => ({
  ...workflow,
  ...change,
  updated_at: at,
  queue_position: null,
  stages: workflow.stages.map((s) =>
    s.status === 'running' || s.status === 'waiting' ? { ...s, status: stageStatus } : s,
  ),
});

/**
 * Applies one ordered workflow event (rule W3). Server and client share this reducer, so a
 * snapshot plus the events after it always equals the server's state.
 */
export function applyWorkflowEvent(
  workflow: Workflow | null,
  event: WorkflowEvent,
): Workflow | null {
  if (event.type === 'workflow.created') return event.data.workflow;
  if (!workflow) return null;
  const { data } = event;
  switch (event.type) {
    case 'workflow.queued':
      return {
        ...workflow,
        status: 'queued',
        queue_position: event.data.position,
        updated_at: data.at,
      };
    case 'workflow.started':
      return { ...workflow, status: 'running', queue_position: null, updated_at: data.at };
    case 'stage.started':
      return withStage(workflow, event.data.stage, data.at, {
        status: 'running',
        progress: 0,
        started_at: data.at,
      });
    case 'stage.progress':
      return withStage(workflow, event.data.stage, data.at, { progress: event.data.progress });
    case 'stage.completed':
      return withStage(workflow, event.data.stage, data.at, {
        status: 'completed',
        progress: 100,
        completed_at: data.at,
        artifact: event.data.artifact,
      });
    case 'workflow.completed':
      // Every stage that ran has its stage.completed before the run's: one still waiting never ran
      // (no worker for it on the node that ran the run, a resume on a node rendering no video),
      // as a new run there marks it at creation.
      return finish(workflow, data.at, { status: 'completed' }, 'skipped');
    case 'workflow.failed': {
      const failed = event.data.stage
        ? withStage(workflow, event.data.stage, data.at, { status: 'failed' })
        : workflow;
      return finish(failed, data.at, { status: 'failed', error: event.data.reason }, 'cancelled');
    }
    case 'workflow.cancelled':
      return finish(workflow, data.at, { status: 'cancelled' }, 'cancelled');
    case 'workflow.resumed':
      // The stage that was running starts again from its beginning (rule W4).
      return {
        ...workflow,
        updated_at: data.at,
        stages: workflow.stages.map((s) =>
          s.status === 'running' ? { ...s, status: 'waiting', progress: 0, started_at: null } : s,
        ),
      };
    case 'workflow.interrupted':
      return finish(
        workflow,
        data.at,
        { status: 'interrupted', error: event.data.reason },
        'cancelled',
      );
    default:
      // A newer server's event this client does not know changes nothing: a client that checks
      // only the envelope (rule E3) delivers it, and unknown types are ignored (section 2).
      return workflow;
  }
}
