/** Connections opened at once while setting up (not in connect-storm), so the accept backlog never overflows. */
const SETUP_CONCURRENCY = 100;

/** Opens `count` connections, `SETUP_CONCURRENCY` at a time; rejects on the first failure. */
export async function openMany<T>(
  count: number,
  open: (index: number) => Promise<T>,
): Promise<T[]> {
  const opened: T[] = [];
  for (let start = 0; start < count; start += SETUP_CONCURRENCY) {
    const batch = Array.from({ length: Math.min(SETUP_CONCURRENCY, count - start) }, (_, i) =>
      open(start + i),
    );
    opened.push(...(await Promise.all(batch)));
  }
  return opened;
}

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `done` every 20 ms until it is true or `timeoutMs` passed; resolves with whether it became true. */
export async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}
