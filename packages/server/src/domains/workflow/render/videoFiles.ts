import { existsSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Workflow } from '@liveline/protocol';

/** Prefix of a render's working directory, beside the video it becomes. */
export const RENDER_TEMP_PREFIX = '.render-';

/**
 * Prefix of the working directories node `nodeId` makes, so that on a videos directory cluster
 * nodes share, a node sweeps only its own (another node may be rendering in its own right now).
 * `@` is not allowed in a node id, so one node's prefix never starts another's (`a@`, `a-b@`).
 */
export const renderTempPrefix = (nodeId: string): string => `${RENDER_TEMP_PREFIX}${nodeId}@`;

/**
 * A run's own directory under the videos directory (`VIDEOS_DIR`): its video and, while it
 * renders, its working files. Deleting a run's videos is removing this one directory.
 */
export const videoDir = (videosDir: string, workflowId: string): string =>
  join(videosDir, workflowId);

/** Deletes a run's directory with its video, if any (rule G3). */
export const removeVideoDir = (videosDir: string, workflowId: string): Promise<void> =>
  rm(videoDir(videosDir, workflowId), { recursive: true, force: true });

/**
 * The status of a run's render stage: only `completed` vouches for its video (W6). A run as the
 * server reads it (parseStoredWorkflow) has a render that never ran `skipped` already.
 */
export const renderStatus = (
  workflow: Workflow,
): Workflow['stages'][number]['status'] | undefined =>
  workflow.stages.find((s) => s.stage === 'render')?.status;

/** The finished MP4 of a run (it exists only once the render stage completed). */
export const videoPath = (videosDir: string, workflowId: string): string =>
  join(videoDir(videosDir, workflowId), 'video.mp4');

/**
 * Removes the working directories starting with `prefix` that a killed server left behind (a
 * completed video is never touched).
 */
export function sweepRenderLeftovers(videosDir: string, prefix: string): void {
  if (!existsSync(videosDir)) return;
  for (const run of readdirSync(videosDir, { withFileTypes: true }).filter((e) => e.isDirectory()))
    for (const entry of readdirSync(join(videosDir, run.name)))
      if (entry.startsWith(prefix))
        rmSync(join(videosDir, run.name, entry), { recursive: true, force: true });
}
