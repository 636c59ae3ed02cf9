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
