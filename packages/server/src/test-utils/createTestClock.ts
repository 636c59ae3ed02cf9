/** A server's injected clock: real time plus whatever the test has skipped ahead. */
export function createTestClock() {
  let skipped = 0;
  return {
    now: () => Date.now() + skipped,
    skip: (ms: number) => (skipped += ms),
  };
}
