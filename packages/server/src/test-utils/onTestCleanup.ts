import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

const cleanups: (() => unknown)[] = [];
/** Registers cleanup run after the current test, newest first. */
export const onTestCleanup = (cleanup: () => unknown): void => {
  cleanups.push(cleanup);
};
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A fresh temporary data directory, removed after the test. */
export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'liveline-test-'));
  onTestCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
