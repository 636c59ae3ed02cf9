import {
  PIPELINE,
  type AgentName,
  type CreateWorkflowRequest,
  type StageName,
  type Workflow,
} from '@liveline/protocol';
import type { AgentPool } from './createAgentPool.js';
import { clip } from './scriptText.js';
import type { Stage } from './Stage.js';

const TITLE_WORDS = 8;

/** A run's title when it was given none: its input's first words, with `…` when there are more. */
const titleFrom = (input: string): string => {
  const words = input.trim().split(/\s+/);
  const title = words.slice(0, TITLE_WORDS).join(' ');
  return words.length > TITLE_WORDS ? `${title}…` : title;
};

/** A new run of `request` with id `id`, queued at `at`; a stage without a worker is `skipped`. */
export const newWorkflow = (
  request: CreateWorkflowRequest,
  id: string,
  at: number,
  stages: Partial<Record<StageName, Stage>>,
): Workflow => ({
  id,
  mode: request.mode,
  title: clip(request.title ?? titleFrom(request.input), 200),
  input: request.input,
  status: 'queued',
  queue_position: null,
  error: null,
  stages: PIPELINE.map((p) => ({
    stage: p.stage,
    agent: p.agent,
    status:
      (request.mode === 'script' && p.stage === 'script') || !stages[p.stage]
        ? 'skipped'
        : 'waiting',
    progress: 0,
    started_at: null,
    completed_at: null,
    artifact: null,
  })),
  created_at: at,
  updated_at: at,
});

/**
 * The queue position of the workflow `index`th in line for `agent` (rule W3): the workflows
 * waiting before it, plus one if every slot is busy.
 */
export const positionAt = (pool: AgentPool, agent: AgentName, index: number): number => {
  const status = pool.statuses().find((a) => a.name === agent);
  return index + (status && status.active >= status.capacity ? 1 : 0);
};

/** The queue position of a new workflow, which will wait last in line for its first agent. */
export const queuePosition = (workflow: Workflow, pool: AgentPool): number => {
  const first = PIPELINE.find((p) =>
    workflow.stages.some((s) => s.stage === p.stage && s.status === 'waiting'),
  );
  return first ? positionAt(pool, first.agent, pool.queue(first.agent).length) : 0;
};

/** The first stage of a resumed run that has a worker and has not completed (rule W4), or `null`. */
export const resumeStage = (
  workflow: Workflow,
  stages: Partial<Record<StageName, Stage>>,
): StageName | null =>
  PIPELINE.find(({ stage: name }) => {
    const status = workflow.stages.find((s) => s.stage === name)?.status;
    return stages[name] && status !== 'completed' && status !== 'skipped';
  })?.stage ?? null;
