import type { ResolvedServerOptions } from '../config/serverOptions.js';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import { removeVideoDir } from '../domains/workflow/render/videoFiles.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { createPruneLoop, type PruneLoop } from '../storage/createPruneLoop.js';
import type { Storage } from '../storage/Storage.js';

/**
 * The server's retention (PROTOCOL.md G1–G5): storage keeps what replay and retries can still ask
 * for, a deleted run takes its video directory along, and leaves the workflow domain, which tells
 * its watchers on every node (retried until it could).
 */
export function createRetention(
  config: ResolvedServerOptions,
  parts: { storage: Storage; workflows: WorkflowDomain; log: Logger },
): PruneLoop {
  const { workflows, log } = parts;
  return createPruneLoop({
    storage: parts.storage,
    log,
    now: config.now,
    intervalMs: config.pruneIntervalMs,
    policy: {
      roomMaxEvents: config.historyMaxEvents,
      roomMaxBytes: config.historyMaxBytes,
      eventMaxAgeMs: config.historyMaxAgeMs,
      opIdMaxAgeMs: config.opIdRetentionMs,
      runMaxAgeMs: config.runRetentionMs,
      // A deleted run answers "deleted" as long as it was kept once finished (G5).
      tombstoneMaxAgeMs: config.runRetentionMs,
      runRoom: (id) => workflows.room(id),
    },
    tell: (id) => workflows.forget(id),
    onRunsDeleted: (ids) => {
      for (const id of ids) {
        removeVideoDir(config.dataDir, id).catch((error: unknown) =>
          log.error('retention.video_delete_failed', {
            workflow_id: id,
            error: errorMessage(error),
          }),
        );
      }
    },
  });
}
