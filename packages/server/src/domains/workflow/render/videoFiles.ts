import { existsSync, readdirSync, rmSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';

/** Prefix of a render's working directory, beside the video it becomes. */
export const RENDER_TEMP_PREFIX = '.render-';

/**
 * A run's own directory under `DATA_DIR/videos`: its video and, while it renders, its working
 * files. Deleting a run's videos is removing this one directory.
 */
export const videoDir = (dataDir: string, workflowId: string): string =>
  join(dataDir, 'videos', workflowId);

/** Deletes a run's directory with its video, if any (rule G3). */
export const removeVideoDir = (dataDir: string, workflowId: string): Promise<void> =>
  rm(videoDir(dataDir, workflowId), { recursive: true, force: true });

/** The finished MP4 of a run (it exists only once the render stage completed). */
export const videoPath = (dataDir: string, workflowId: string): string =>
  join(videoDir(dataDir, workflowId), 'video.mp4');

/** Removes working directories a killed server left behind (a completed video is never touched). */
export function sweepRenderLeftovers(dataDir: string): void {
  const root = join(dataDir, 'videos');
  if (!existsSync(root)) return;
  for (const run of readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()))
    for (const entry of readdirSync(join(root, run.name)))
      if (entry.startsWith(RENDER_TEMP_PREFIX))
        rmSync(join(root, run.name, entry), { recursive: true, force: true });
}
