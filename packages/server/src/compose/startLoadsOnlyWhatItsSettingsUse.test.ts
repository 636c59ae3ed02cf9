import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDataDir } from '../test-utils/index.js';
import { recordModules } from '../test-utils/recordModules.js';
import { spawnServer } from '../test-utils/spawnServer.js';

/** A module of node-redis or node-postgres, the packages only cluster mode uses. */
const CLUSTER_PACKAGE = /\/node_modules\/(pg|redis|@redis\/[^/]+)\//;
/** A module of this server that only cluster mode uses. */
const CLUSTER_SOURCE =
  /\/src\/(cluster\/|compose\/createClusterEngines|storage\/\w*[Pp]ostgres|rooms\/\w*[Rr]edis)/;
/** A module of `jose`, or of this server's code that verifies tokens with it: only auth uses them. */
const TOKEN_VERIFICATION = /\/node_modules\/jose\/|\/src\/auth\/createTokenVerifier\./;
/** A secret long enough to turn auth on (rule A1). */
const SECRET = 'a-test-secret-of-at-least-32-bytes!!';

/**
 * The URLs of the modules the real bin resolves while it starts on loopback with `env` (no cluster
 * settings) and stops on SIGTERM, recorded by a resolve hook registered before it loads anything.
 */
async function modulesOfStartAndStop(env: Record<string, string>): Promise<string[]> {
  const record = recordModules('main');
  const server = await spawnServer(tempDataDir(), {
    entry: record.entry,
    env: { ...env, ...record.env },
  });
  server.process.kill('SIGTERM');
  expect(await server.exited, server.output()).toBe(0);
  return record.urls();
}

describe('a start loads only the engines its settings use (real bin, module resolve hook)', () => {
  it('ML1 a start and stop without DATABASE_URL, REDIS_URL or an auth secret resolves no module of pg, redis, @redis/*, jose or the code that uses them, and does resolve its own engine, better-sqlite3', async () => {
    // The pattern matches where the packages are installed: it cannot pass by matching nothing.
    const { resolve } = createRequire(import.meta.url);
    for (const name of ['pg', 'redis'])
      expect(pathToFileURL(resolve(name)).href).toMatch(CLUSTER_PACKAGE);
    const modules = await modulesOfStartAndStop({ LIVELINE_AUTH_SECRET: '' });
    expect(modules.filter((url) => CLUSTER_PACKAGE.test(url) || CLUSTER_SOURCE.test(url))).toEqual(
      [],
    );
    expect(modules.filter((url) => TOKEN_VERIFICATION.test(url))).toEqual([]);
    expect(modules.filter((url) => url.includes('/node_modules/better-sqlite3/'))).not.toEqual([]);
  });

  it('ML1 a start and stop with an auth secret resolves jose and the token verifier (so the check above can fail)', async () => {
    const modules = await modulesOfStartAndStop({ LIVELINE_AUTH_SECRET: SECRET });
    expect(modules.filter((url) => url.includes('/node_modules/jose/'))).not.toEqual([]);
    expect(modules.filter((url) => url.includes('/src/auth/createTokenVerifier.'))).not.toEqual([]);
  });
});
