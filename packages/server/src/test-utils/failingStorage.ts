import { StorageError } from '../errors.js';
import { createLogger } from '../log/createLogger.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { Storage } from '../storage/Storage.js';
import { onTestCleanup, tempDataDir } from './index.js';

/** A storage whose writes or reads fail on demand, the way a full disk or a bad sector makes them fail. */
export interface FailingStorage extends Storage {
  /** From now on every append and document write rejects with a {@link StorageError}, and the status says so. */
  failWrites(message: string): void;
  /**
   * From now on every append is stored and then rejects with a {@link StorageError}: the reply
   * lost after the commit (a connection dropped after COMMIT, a client timeout just before it).
   */
  loseAppendReplies(message: string): void;
  /** From now on every read (rooms, events, documents, op ids, counts) rejects with a {@link StorageError}. */
  failReads(message: string): void;
  /** From now on every read rejects with `error`: a fault of the server (a bug) unless it is a {@link StorageError}. */
  breakReads(error: Error): void;
  /** Reads and writes work again. */
  recover(): void;
  /**
   * From now on a read of a room's head waits (a stalled disk), so a board being loaded is held
   * there, until the returned function lets every held and later read through.
   */
  holdHeadReads(): () => void;
}

/**
 * A real SQLite storage in `dataDir` (a temporary directory by default) with switches that make
 * its writes or reads fail (an injected fault: no child process, no disk to break). Closed after
 * the test.
 */
export function createFailingStorage(dataDir = tempDataDir()): FailingStorage {
  const inner = createSqliteStorage(dataDir, createLogger('silent'));
  onTestCleanup(() => inner.close());
  let writeFailure: StorageError | null = null;
  let readFailure: Error | null = null;
  let lostReply: StorageError | null = null;
  const failure = () => writeFailure ?? readFailure ?? lostReply;
  const refused = (error: Error | null): Promise<never> | null =>
    error ? Promise.reject(error) : null;
  let heldHeads: Promise<void> | null = null;
  return {
    ...inner,
    status: () => {
      const error = failure();
      return error ? { ok: false, error: error.message } : inner.status();
    },
    append: (request) =>
      refused(writeFailure) ?? inner.append(request).then((result) => refused(lostReply) ?? result),
    putDocument: (document) => refused(writeFailure) ?? inner.putDocument(document),
    readHead: (room) =>
      refused(readFailure) ??
      (heldHeads ? heldHeads.then(() => inner.readHead(room)) : inner.readHead(room)),
    readEvents: (room, afterSeq, limit) =>
      refused(readFailure) ?? inner.readEvents(room, afterSeq, limit),
    loadDocument: (kind, id) => refused(readFailure) ?? inner.loadDocument(kind, id),
    loadSequenced: (kind, id) => refused(readFailure) ?? inner.loadSequenced(kind, id),
    listWorkflows: (statuses) => refused(readFailure) ?? inner.listWorkflows(statuses),
    readWorkflowPage: (before, limit) =>
      refused(readFailure) ?? inner.readWorkflowPage(before, limit),
    appliedOp: (room, opId) => refused(readFailure) ?? inner.appliedOp(room, opId),
    countWorkflows: () => refused(readFailure) ?? inner.countWorkflows(),
    countWorkflowsIn: (statuses) => refused(readFailure) ?? inner.countWorkflowsIn(statuses),
    countBoards: () => refused(readFailure) ?? inner.countBoards(),
    failWrites(message) {
      writeFailure = new StorageError(`write failed: ${message}`);
    },
    loseAppendReplies(message) {
      lostReply = new StorageError(`append failed: ${message}`);
    },
    failReads(message) {
      readFailure = new StorageError(`read failed: ${message}`);
    },
    breakReads(error) {
      readFailure = error;
    },
    recover() {
      writeFailure = null;
      readFailure = null;
      lostReply = null;
    },
    holdHeadReads() {
      let release = () => {};
      heldHeads = new Promise((resolve) => (release = resolve));
      return () => {
        heldHeads = null;
        release();
      };
    },
  };
}
