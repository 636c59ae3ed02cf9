import type { TestProject } from 'vitest/node';
import { startPostgres } from './startPostgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The URL of the `postgres` database of the cluster every storage contract file shares. */
    storageContractPostgres: string;
  }
}

/**
 * The storage contract project's global setup: one throwaway PostgreSQL cluster for all of its
 * files (each case creates its own database on it), as one file had before the suite was split;
 * stopped after the last file.
 */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const postgres = await startPostgres();
  project.provide('storageContractPostgres', postgres.url());
  return () => postgres.stop();
}
