import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';

/** A module of node-redis or node-postgres, the packages only cluster mode uses. */
const CLUSTER_PACKAGE = /\/node_modules\/(pg|redis|@redis\/[^/]+)\//;
/** A module of this server that only cluster mode uses. */
const CLUSTER_SOURCE =
  /\/src\/(cluster\/|compose\/createClusterEngines|storage\/\w*[Pp]ostgres|rooms\/\w*[Rr]edis)/;

/**
 * The URLs of the modules the real bin resolves while it starts embedded (no cluster settings)
 * and stops on SIGTERM, recorded by a resolve hook registered before it loads anything.
 */
async function modulesOfEmbeddedStartAndStop(): Promise<string[]> {
  const file = join(tempDataDir(), 'resolved');
  const server = await spawnServer(tempDataDir(), {
    entry: 'src/test-utils/resolvedModulesMain.ts',
    env: { RESOLVED_MODULES_FILE: file },
  });
  server.process.kill('SIGTERM');
  expect(await server.exited, server.output()).toBe(0);
  return readFileSync(file, 'utf8').split('\n').filter(Boolean);
}

describe('an embedded node loads no cluster engine (real bin, module resolve hook)', () => {
  it('E1 a start and stop without DATABASE_URL and REDIS_URL resolves no module of pg, redis, @redis/* or the cluster code, and does resolve its own engine, better-sqlite3', async () => {
    // The pattern matches where the packages are installed: it cannot pass by matching nothing.
    const { resolve } = createRequire(import.meta.url);
    for (const name of ['pg', 'redis'])
      expect(pathToFileURL(resolve(name)).href).toMatch(CLUSTER_PACKAGE);
    const modules = await modulesOfEmbeddedStartAndStop();
    expect(modules.filter((url) => CLUSTER_PACKAGE.test(url) || CLUSTER_SOURCE.test(url))).toEqual(
      [],
    );
    expect(modules.filter((url) => url.includes('/node_modules/better-sqlite3/'))).not.toEqual([]);
  });
});
