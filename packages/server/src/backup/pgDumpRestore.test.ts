import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { startBackupLoad } from '../test-utils/backupLoad.js';
import { postgresBinDir } from '../test-utils/engines/startPostgres.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { tempDataDir } from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';

const OPERATIONS_DOC = new URL('../../../../docs/operations.md', import.meta.url);

/** The shell commands of the PostgreSQL section of docs/operations.md, in order, unindented. */
function documentedCommands(): string[] {
  const doc = readFileSync(OPERATIONS_DOC, 'utf8');
  const section = doc.slice(doc.indexOf('## PostgreSQL')).split(/\n## /)[0] ?? '';
  return [...section.matchAll(/^( *)```bash\n([\s\S]*?)^\1```$/gm)].map(
    ([, indent = '', body = '']) => body.replace(new RegExp(`^${indent}`, 'gm'), ''),
  );
}

/** Runs a documented command in `sh` with PostgreSQL's client tools on PATH and `env`. */
async function runDocumented(command: string, env: Record<string, string>) {
  const { stdout, stderr } = await promisify(execFile)('/bin/sh', ['-c', command], {
    env: { ...process.env, PATH: `${postgresBinDir()}:${process.env.PATH ?? ''}`, ...env },
  });
  return { stdout, stderr };
}

const engines = useClusterEngines('backup');

describe('PostgreSQL backup and restore (docs/operations.md, a real node in cluster mode)', () => {
  it('R1 R4 R5 B2 the documented pg_dump under write load, restored into a new database, gives a moment of the original with every op acked before it; clients get a snapshot, then resume, and a retried op is a duplicate', async () => {
    const [dump, restore, newEpochs] = documentedCommands();
    const original = await engines.postgres.createDatabase('original');
    const dataDir = tempDataDir();
    const cluster = (databaseUrl: string) => ({
      DATABASE_URL: databaseUrl,
      REDIS_URL: engines.redis.url,
    });
    const node = await spawnServer(dataDir, { env: cluster(original) });
    const load = await startBackupLoad(node.origin);

    const ackedBefore = [...load.acked];
    const file = join(tempDataDir(), 'liveline.dump');
    const dumped = await runDocumented(dump ?? '', { DATABASE_URL: original, DUMP: file });
    const ackedDuring = load.acked.length - ackedBefore.length;
    await load.stop();
    node.process.kill('SIGTERM');
    expect(await node.exited).toBe(0);
    const restoredUrl = await engines.postgres.createDatabase('restored');
    const restored = await runDocumented(restore ?? '', { DATABASE_URL: restoredUrl, DUMP: file });
    const rewritten = await runDocumented(newEpochs ?? '', { DATABASE_URL: restoredUrl });
    const again = await spawnServer(dataDir, { port: node.port, env: cluster(restoredUrl) });

    expect(documentedCommands()).toHaveLength(3);
    expect([dumped.stderr, restored.stderr, rewritten.stderr]).toEqual(['', '', '']);
    expect(ackedDuring).toBeGreaterThan(0);
    await load.expectRestored(again.origin, ackedBefore);
  }, 90_000);
});
