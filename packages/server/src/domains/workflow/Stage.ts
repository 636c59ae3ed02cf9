import type { Artifact, StageName, Workflow } from '@liveline/protocol';

/** What a stage works on: the workflow's id, input text and mode. */
export interface StageInput {
  readonly id: string;
  readonly mode: Workflow['mode'];
  readonly text: string;
  readonly title: string;
}

/**
 * One pipeline step. The built-in stages derive their artifact deterministically from the text; a
 * model-backed agent implements the same interface.
 *
 * A stage must be idempotent: when the server stops or dies while a stage runs, the run resumes
 * after the restart (rule W4) and that stage is started again from its beginning, with the same
 * input and the artifacts of the stages completed before it. Whatever it had written (files, calls
 * to other services) may already exist and must be overwritten or reused, not duplicated. A stage
 * whose `stage.completed` was stored is never run again for that workflow.
 */
export interface Stage {
  /** Produces the artifact, reporting progress 0–100; rejects when `signal` aborts. */
  run(
    input: StageInput,
    previous: Partial<Record<StageName, Artifact>>,
    signal: AbortSignal,
    report: (progress: number) => void,
  ): Promise<Artifact>;
}

/** A stage failed on purpose or on error; `stage` names it. */
export class StageFailedError extends Error {
  override readonly name = 'StageFailedError';
  readonly code = 'stage_failed';
  constructor(
    readonly stage: StageName,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
