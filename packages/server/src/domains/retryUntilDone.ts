/** How long after a failed try the next one starts, in ms. */
const RETRY_INTERVAL_MS = 1_000;

/**
 * Tries `attempt` again a second after each failure, one try at a time, until one resolves or its
 * owner has `stopped`. It is for what a node reads from storage at start: storage that cannot be
 * read now may recover, and until then the node must not act as if nothing were stored (rule S3).
 * Asking `stopped` before each try, rather than handing back a cancel, also ends a retry that
 * began after its owner stopped (a start whose first try failed during the stop).
 */
export function retryUntilDone(attempt: () => Promise<void>, stopped: () => boolean): void {
  const later = (): void => {
    setTimeout(() => {
      if (!stopped()) attempt().catch(later);
    }, RETRY_INTERVAL_MS).unref();
  };
  later();
}
