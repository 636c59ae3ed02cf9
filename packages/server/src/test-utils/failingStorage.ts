import { StorageError } from '../errors.js';
import { createLogger } from '../log/createLogger.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { Storage } from '../storage/Storage.js';
import { onTestCleanup, tempDataDir } from './index.js';

/** A storage whose writes fail on demand, the way a full disk makes them fail. */
export interface FailingStorage extends Storage {
  /** From now on every append and document write rejects with a {@link StorageError}, and the status says so. */
  failWrites(message: string): void;
}

/**
 * A real SQLite storage in a temporary directory with a switch that makes its writes fail (an injected
 * fault: no child process, no disk to fill). Closed after the test.
 */
export function createFailingStorage(): FailingStorage {
  const inner = createSqliteStorage(tempDataDir(), createLogger('silent'));
  onTestCleanup(() => inner.close());
  let writeFailure: StorageError | null = null;
  const refused = (): Promise<never> | null => (writeFailure ? Promise.reject(writeFailure) : null);
  return {
    ...inner,
    status: () => (writeFailure ? { ok: false, error: writeFailure.message } : inner.status()),
    append: (request) => refused() ?? inner.append(request),
    putDocument: (document) => refused() ?? inner.putDocument(document),
    failWrites(message) {
      writeFailure = new StorageError(`write failed: ${message}`);
    },
  };
}
