import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDataDir } from './index.js';

/** A record of the modules a bin run by resolvedModulesMain.ts resolves. */
export interface ModuleRecord {
  /** The script to spawn instead of the bin, relative to the package. */
  readonly entry: string;
  /** The environment that tells it which bin to run and where to write the record. */
  readonly env: Record<string, string>;
  /** The URL of every module resolved so far, in order. */
  urls(): string[];
}

/**
 * A new, empty record of what `bin` (the server `main` or the `liveline` command `cli`) resolves
 * when spawned with its `entry` and `env`, in a temporary directory removed after the test.
 */
export function recordModules(bin: 'main' | 'cli'): ModuleRecord {
  const file = join(tempDataDir(), 'resolved');
  return {
    entry: 'src/test-utils/resolvedModulesMain.ts',
    env: { RESOLVED_MODULES_FILE: file, RESOLVED_MODULES_BIN: bin },
    urls: () => readFileSync(file, 'utf8').split('\n').filter(Boolean),
  };
}
