import { OP_ID_RETENTION_MS } from '@liveline/protocol';
import type { ResolvedServerOptions } from '../config/serverOptions.js';
import type { WorkflowDomain } from '../domains/workflow/WorkflowDomain.js';
import { sweepVideoDirs } from '../domains/workflow/render/sweepVideoDirs.js';
import { removeVideoDir } from '../domains/workflow/render/videoFiles.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import { createPruneLoop, type PruneLoop } from '../storage/createPruneLoop.js';
import type { Storage } from '../storage/Storage.js';

/** Tombstones kept (once told) per finished run kept, `maxFinishedRuns` (PROTOCOL.md G5). */
const TOMBSTONES_PER_FINISHED_RUN = 10;

/**
 * The server's retention (PROTOCOL.md G1–G5): storage keeps what replay and retries can still ask
 * for, a deleted run takes its video directory along, and leaves the workflow domain, which tells
 * its watchers on every node (retried until it could). Each pass then sweeps the videos directory
 * of what no stored run vouches for: on a shared one, whichever node prunes cleans up for all. An
 * op-id retention below the default is warned about once, here, at start.
 */
export function createRetention(
  config: ResolvedServerOptions,
  parts: { storage: Storage; workflows: WorkflowDomain; log: Logger },
): PruneLoop {
  const { workflows, log } = parts;
  // Allowed for tests and benchmarks, but it breaks the promises built on the default (G2).
  if (config.opIdRetentionMs < OP_ID_RETENTION_MS)
    log.warn('server.op_id_retention_short', {
      setting: 'opIdRetentionMs',
      value_ms: config.opIdRetentionMs,
      default_ms: OP_ID_RETENTION_MS,
      message:
        'opIdRetentionMs is below its default: a client retry may apply an operation twice and the web app may call an applied change not saved (PROTOCOL.md G2)',
    });
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
      runMaxCount: config.maxFinishedRuns,
      // A deleted run answers "deleted" as long as it was kept once finished (G5).
      tombstoneMaxAgeMs: config.runRetentionMs,
      // A row of an id and a time each, so ten per finished run kept: a run page opened on a run
      // the count deleted says so (the web app cannot tell 404 from a run not started yet), and a
      // client starting runs as fast as it may still cannot pile them up.
      tombstoneMaxCount: config.maxFinishedRuns * TOMBSTONES_PER_FINISHED_RUN,
      runRoom: (id) => workflows.room(id),
    },
    tell: (id) => workflows.forget(id),
    onRunsDeleted: (ids) => {
      for (const id of ids) {
        removeVideoDir(config.videosDir, id).catch((error: unknown) =>
          log.error('retention.video_delete_failed', {
            workflow_id: id,
            error: errorMessage(error),
          }),
        );
      }
    },
    async sweepFiles() {
      const { runs, leftovers } = await sweepVideoDirs(config.videosDir, (id) =>
        workflows.load(id),
      );
      if (runs + leftovers > 0)
        log.info('retention.videos_swept', { run_dirs: runs, work_dirs: leftovers });
    },
  });
}
