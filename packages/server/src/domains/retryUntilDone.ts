/** How long after a failed try the next one starts, in ms. */
const RETRY_INTERVAL_MS = 1_000;

/**
 * Tries `attempt` again a second after each failure, one try at a time, until one resolves. It is
 * for what a node reads from storage at start: storage that cannot be read now may recover, and
 * until then the node must not act as if nothing were stored (rule S3). Answers a function that
 * stops trying.
 */
export function retryUntilDone(attempt: () => Promise<void>): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const later = (): void => {
    timer = setTimeout(() => {
      attempt().catch(() => {
        if (!stopped) later();
      });
    }, RETRY_INTERVAL_MS);
    timer.unref();
  };
  later();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
