import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { PrunePolicy, Storage } from './Storage.js';

/** Rows one prune batch deletes at most (rule G4): about a millisecond of SQLite work. */
export const PRUNE_BATCH_ROWS = 256;

/**
 * Time batches may take back to back before the loop yields (rule G4). One batch per turn of the
 * event loop deletes less than a busy turn writes (a turn reads every socket's ops, two rows
 * each), so under a steady write load the tables would grow without end.
 */
export const PRUNE_SLICE_MS = 4;

/** The running retention (rules G1–G4). */
export interface PruneLoop {
  /** Stops the timer and waits for a batch in flight, so storage can close after it. */
  stop(): Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Prunes `storage` every `intervalMs`: batch after batch, yielding to the event loop between them,
 * until nothing is left (rule G4). `onRunsDeleted` hears of deleted workflow runs, whose files and
 * in-memory state the caller removes. A failing pass is logged and tried again next period.
 */
export function createPruneLoop(deps: {
  storage: Pick<Storage, 'prune'>;
  policy: Omit<PrunePolicy, 'batchRows'> & { batchRows?: number };
  intervalMs: number;
  now: () => number;
  log: Logger;
  onRunsDeleted: (ids: readonly string[]) => void;
}): PruneLoop {
  const { storage, log, now } = deps;
  const policy: PrunePolicy = { batchRows: PRUNE_BATCH_ROWS, ...deps.policy };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();

  const prunePass = async (): Promise<void> => {
    const totals = { events: 0, ops: 0, runs: 0, batches: 0, longest_batch_ms: 0 };
    let slice = performance.now();
    for (let more = true; more && !stopped;) {
      const started = performance.now();
      const report = await storage.prune(policy, now());
      const ended = performance.now();
      totals.longest_batch_ms = Math.max(totals.longest_batch_ms, ended - started);
      totals.batches += 1;
      totals.events += report.events;
      totals.ops += report.ops;
      totals.runs += report.runs.length;
      if (report.runs.length > 0) deps.onRunsDeleted(report.runs);
      more = report.more;
      if (more && ended - slice >= PRUNE_SLICE_MS) {
        await nextTurn();
        slice = performance.now();
      }
    }
    if (totals.events + totals.ops + totals.runs > 0) log.info('retention.pruned', totals);
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      pass = prunePass()
        .catch((error: unknown) => log.error('retention.failed', { error: errorMessage(error) }))
        .finally(schedule);
    }, deps.intervalMs);
    timer.unref();
  };
  schedule();

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
