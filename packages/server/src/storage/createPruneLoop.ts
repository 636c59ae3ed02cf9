import { errorMessage } from '../errors.js';
import type { Logger } from '../log/createLogger.js';
import type { PrunePolicy, Storage, Tombstone } from './Storage.js';

/** Rows one prune batch deletes at most (rule G4): about a millisecond of SQLite work. */
export const PRUNE_BATCH_ROWS = 256;

/**
 * Time batches may take back to back before the loop yields (rule G4). One batch per turn of the
 * event loop deletes less than a busy turn writes (a turn reads every socket's ops, two rows
 * each), so under a steady write load the tables would grow without end.
 */
export const PRUNE_SLICE_MS = 4;

/** Tombstones one read of those not yet told answers at most (rule G5). */
export const TELL_BATCH = 64;

/** The running retention (rules G1–G5). */
export interface PruneLoop {
  /** Stops the timer and waits for a batch in flight, so storage can close after it. */
  stop(): Promise<void>;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Prunes `storage` every `intervalMs`: batch after batch, yielding to the event loop between them,
 * until nothing is left (rule G4). `onRunsDeleted` hears of deleted workflow runs, whose files the
 * caller removes. Then each deleted run whose watchers were not yet told is told (`tell`) and its
 * tombstone marked so; one that cannot be (the broker is down) is tried again by the next pass,
 * until it is (G5). Last, `sweepFiles` brings the caller's files in line with storage. A failing
 * pass is logged and tried again next period; telling that fails is logged once until it works
 * again. While storage is not ok no pass runs, logged once until it is ok again: a storage that
 * cannot be read answers every run missing, so a sweep then would delete every video.
 */
export function createPruneLoop(deps: {
  storage: Pick<Storage, 'status' | 'prune' | 'untoldTombstones' | 'markTold'>;
  policy: Omit<PrunePolicy, 'batchRows'> & { batchRows?: number };
  intervalMs: number;
  now: () => number;
  log: Logger;
  onRunsDeleted: (ids: readonly string[]) => void;
  /** Tells a deleted run's watchers on every node; rejects when it could not. */
  tell: (id: string) => Promise<void>;
  /** Removes files storage no longer vouches for, after each pass. @default none */
  sweepFiles?: () => Promise<void>;
}): PruneLoop {
  const { storage, log, now } = deps;
  const policy: PrunePolicy = { batchRows: PRUNE_BATCH_ROWS, ...deps.policy };
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  let tellFailing = false;
  let failing = false;

  /** Tells the untold deletions, oldest first, until one fails or none is left (rule G5). */
  const tellDeletions = async (): Promise<void> => {
    let told = 0;
    for (let more = true; more;) {
      if (stopped) return;
      const untold = await storage.untoldTombstones(TELL_BATCH);
      const done: Tombstone[] = [];
      let failure: { workflow_id: string; error: string } | null = null;
      for (const tombstone of untold) {
        try {
          await deps.tell(tombstone.id);
          done.push(tombstone);
        } catch (error) {
          failure = { workflow_id: tombstone.id, error: errorMessage(error) };
          break;
        }
      }
      await storage.markTold(done);
      told += done.length;
      if (failure) {
        if (!tellFailing) log.warn('retention.tell_failed', failure);
        tellFailing = true;
        return;
      }
      more = untold.length === TELL_BATCH;
    }
    if (tellFailing) log.info('retention.tell_recovered', { told });
    tellFailing = false;
  };

  const prunePass = async (): Promise<void> => {
    const totals = { events: 0, ops: 0, runs: 0, tombstones: 0, batches: 0, longest_batch_ms: 0 };
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
      totals.tombstones += report.tombstones;
      if (report.runs.length > 0) deps.onRunsDeleted(report.runs);
      more = report.more;
      if (more && ended - slice >= PRUNE_SLICE_MS) {
        await nextTurn();
        slice = performance.now();
      }
    }
    if (totals.events + totals.ops + totals.runs + totals.tombstones > 0)
      log.info('retention.pruned', totals);
    await tellDeletions();
    // Storage that is not ok (the stand-in of a database that could not be opened) vouches for no
    // run, and a sweep would take every video for an orphan.
    if (!stopped && storage.status().ok) await deps.sweepFiles?.();
  };

  /**
   * A pass, whose failure is logged once until a pass works again: storage that stays down (a
   * database that could not be opened) fails every pass the same way. A pass still runs while
   * storage says it is down: only a probe clears that status, so a pass may well work meanwhile;
   * only the video sweep, which needs storage to vouch for every run, waits for it.
   */
  const loggedPass = (): Promise<void> =>
    prunePass().then(
      () => {
        if (failing) log.info('retention.recovered', {});
        failing = false;
      },
      (error: unknown) => {
        if (!failing) log.error('retention.failed', { error: errorMessage(error) });
        failing = true;
      },
    );

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      pass = loggedPass().finally(schedule);
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
