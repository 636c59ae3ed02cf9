import type { Logger } from '../log/createLogger.js';
import type { StorageStatus } from './Storage.js';

/** How often a storage that failed is probed until it answers again, in ms. */
export const STORAGE_PROBE_INTERVAL_MS = 1_000;

/** The status a storage engine reports (`Storage.status`), and what keeps it true. */
export interface StorageHealth {
  status(): StorageStatus;
  /** An operation failed: the status names `error`, logged once per outage, and probing starts. */
  failed(error: Error): void;
  /** Stops probing, before the engine closes. */
  close(): void;
}

const ignore = (): void => {};

/**
 * The status of a storage engine. After a failure it probes the engine every
 * {@link STORAGE_PROBE_INTERVAL_MS} until a probe works, so that an idle node's `/health` (and the
 * retention's video sweep that waits on it) comes back once the database answers again, not at the next
 * operation something happens to make. Only a probe that works clears a failure: `probe` writes,
 * and no other operation shows that writes work (a read works on a full disk or a read-only
 * database, and a write may have written nothing). `probe` goes through the engine's own guard,
 * which calls `failed` when it fails; `null` when nothing could bring the engine back (a database
 * that could not be opened).
 */
export function createStorageHealth(deps: {
  engine: 'sqlite' | 'postgres';
  log: Logger;
  probe: (() => Promise<unknown>) | null;
}): StorageHealth {
  const { engine, log, probe } = deps;
  let status: StorageStatus = { ok: true };
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const probeLater = (): void => {
    if (probe === null || timer !== undefined || closed) return;
    timer = setTimeout(() => {
      void probe()
        .then(worked, ignore)
        .finally(() => {
          timer = undefined;
          if (!status.ok) probeLater();
        });
    }, STORAGE_PROBE_INTERVAL_MS);
    timer.unref();
  };

  const worked = (): void => {
    if (status.ok) return;
    status = { ok: true };
    log.info('storage.recovered', { engine });
  };

  return {
    status: () => status,
    failed(error) {
      // Logged once per outage, not once per rejected operation or probe.
      if (status.ok) log.error('storage.error', { engine, error: error.message });
      status = { ok: false, error: error.message };
      probeLater();
    },
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}
