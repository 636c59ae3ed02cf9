import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { idSchema, parse, type Workflow } from '@liveline/protocol';
import { isTerminal } from '../runWorkflow.js';
import { RENDER_TEMP_PREFIX, removeVideoDir, renderStatus } from './videoFiles.js';

/** What one sweep removed: whole run directories, and working directories of ended runs. */
export interface VideoSweep {
  readonly runs: number;
  readonly leftovers: number;
}

const isRunDir = (name: string): boolean => parse(idSchema, name).ok;

/** A directory another node's sweep or retention removed meanwhile lists as empty. */
const goneIsEmpty = (error: unknown): never[] => {
  if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
  throw error;
};

/**
 * Brings the videos directory in line with the stored runs (rules G3, W5): it removes the
 * directory of a run that is not stored (deleted by another node's retention, or absent from a
 * restored database) and of a run that ended before its render stage completed (a cancel that came
 * after the encoder finished), and the working directories of a run that ended (its renderer
 * died). A run still going is left alone: some node may be rendering it. Names that are not run
 * ids are not Liveline's and stay.
 */
export async function sweepVideoDirs(
  videosDir: string,
  load: (workflowId: string) => Promise<Workflow | null>,
): Promise<VideoSweep> {
  let runs = 0;
  let leftovers = 0;
  const entries = await readdir(videosDir, { withFileTypes: true }).catch(goneIsEmpty);
  for (const entry of entries) {
    if (!entry.isDirectory() || !isRunDir(entry.name)) continue;
    const workflow = await load(entry.name);
    // Removed right after the read: a run stored since cannot have reached its render stage.
    if (!workflow || (isTerminal(workflow) && renderStatus(workflow) !== 'completed')) {
      await removeVideoDir(videosDir, entry.name);
      runs += 1;
    } else if (isTerminal(workflow)) {
      const dir = join(videosDir, entry.name);
      for (const name of await readdir(dir).catch(goneIsEmpty))
        if (name.startsWith(RENDER_TEMP_PREFIX)) {
          await rm(join(dir, name), { recursive: true, force: true });
          leftovers += 1;
        }
    }
  }
  return { runs, leftovers };
}
