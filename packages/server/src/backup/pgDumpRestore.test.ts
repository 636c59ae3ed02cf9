import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { serverBoard } from '../reliability/expectConverged.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { startBackupLoad } from '../test-utils/backupLoad.js';
import { boardOfBytes } from '../test-utils/boardOfBytes.js';
import { postgresBinDir } from '../test-utils/engines/startPostgres.js';
import { documentedCommands as documentedCommandsOf } from '../test-utils/documentedCommands.js';
import { useClusterEngines } from '../test-utils/engines/useClusterEngines.js';
import { createCardOverHttp, tempDataDir } from '../test-utils/index.js';
import { spawnServer } from '../test-utils/spawnServer.js';

/** The shell commands of the PostgreSQL section of docs/operations.md. */
const documentedCommands = () => documentedCommandsOf('PostgreSQL');

/** Runs a documented command in `sh` with PostgreSQL's client tools on PATH and `env`. */
async function runDocumented(command: string, env: Record<string, string>) {
  const { stdout, stderr } = await promisify(execFile)('/bin/sh', ['-c', command], {
    env: { ...process.env, PATH: `${postgresBinDir()}:${process.env.PATH ?? ''}`, ...env },
  });
  return { stdout, stderr };
}

const engines = useClusterEngines('backup');

/** The documented restore of `file` into a new database named `name`, then its new epochs. */
async function restoreDump(file: string, name: string) {
  const [, restore, newEpochs] = documentedCommands();
  const url = await engines.postgres.createDatabase(name);
  const restored = await runDocumented(restore ?? '', { DATABASE_URL: url, DUMP: file });
  const rewritten = await runDocumented(newEpochs ?? '', { DATABASE_URL: url });
  return { url, stderr: [restored.stderr, rewritten.stderr] };
}

describe('PostgreSQL backup and restore (docs/operations.md, a real node in cluster mode)', () => {
  it('R1 R4 R5 B2 the documented pg_dump under write load, restored into a new database, gives a moment of the original with every op acked before it; clients get a snapshot, then resume, and a retried op is a duplicate', async () => {
    const [dump] = documentedCommands();
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
    const restored = await restoreDump(file, 'restored');
    const again = await spawnServer(dataDir, { port: node.port, env: cluster(restored.url) });

    expect(documentedCommands()).toHaveLength(3);
    expect([dumped.stderr, ...restored.stderr]).toEqual(['', '', '']);
    expect(ackedDuring).toBeGreaterThan(0);
    await load.expectRestored(again.origin, ackedBefore);
  }, 90_000);

  it('B6 R1 a board whose ops since its document are only events is restored whole: the documented restore keeps those events', async () => {
    const [dump] = documentedCommands();
    const original = await engines.postgres.createDatabase('big_original');
    const storage = createPostgresStorage({ url: original, log: createLogger('silent') });
    await storage.putDocument({ kind: 'board', id: 'big', value: boardOfBytes('big', 64 * 1024) });
    await storage.close();
    const env = (databaseUrl: string) => ({
      DATABASE_URL: databaseUrl,
      REDIS_URL: engines.redis.url,
    });
    const node = await spawnServer(tempDataDir(), { env: env(original) });
    for (const op of ['a', 'b', 'c'])
      expect((await createCardOverHttp(node, 'big', op)).status).toBe(201);
    const before = await serverBoard(node.origin, 'big');
    const file = join(tempDataDir(), 'big.dump');
    await runDocumented(dump ?? '', { DATABASE_URL: original, DUMP: file });
    node.process.kill('SIGTERM');
    expect(await node.exited).toBe(0);

    const restored = await restoreDump(file, 'big_restored');
    const again = await spawnServer(tempDataDir(), { env: env(restored.url) });
    expect((await serverBoard(again.origin, 'big')).board).toEqual(before.board);
  }, 60_000);

  it("B6 R1 the documented restore of a dump taken before board seqs gives each board its room's head as its seq, as a node's upgrade does, and keeps no event the board holds", async () => {
    const [dump] = documentedCommands();
    const original = await engines.postgres.createDatabase('pre_b6_original');
    const old = new pg.Client({ connectionString: original });
    await old.connect();
    await old.query(`
      CREATE TABLE documents (kind TEXT NOT NULL, id TEXT NOT NULL, json TEXT NOT NULL, version BIGINT NOT NULL DEFAULT 0, PRIMARY KEY (kind, id));
      CREATE TABLE rooms (room TEXT PRIMARY KEY, epoch TEXT NOT NULL, head_seq BIGINT NOT NULL);
      CREATE TABLE room_events (room TEXT NOT NULL, seq BIGINT NOT NULL, frame TEXT NOT NULL, at DOUBLE PRECISION NOT NULL, PRIMARY KEY (room, seq));
      INSERT INTO documents (kind, id, json) VALUES ('board', 'a', '{}'), ('board', 'unwritten', '{}');
      INSERT INTO rooms (room, epoch, head_seq) VALUES ('board:a', 'e1', 2);
      INSERT INTO room_events (room, seq, frame, at) VALUES ('board:a', 1, '{}', 10), ('board:a', 2, '{}', 20)`);
    await old.end();
    const file = join(tempDataDir(), 'pre_b6.dump');
    await runDocumented(dump ?? '', { DATABASE_URL: original, DUMP: file });

    const restored = await restoreDump(file, 'pre_b6_restored');
    expect(restored.stderr).toEqual(['', '']);
    const client = new pg.Client({ connectionString: restored.url });
    await client.connect();
    const seqs = await client.query('SELECT id, seq::int FROM documents ORDER BY id');
    const events = await client.query('SELECT count(*)::int AS n FROM room_events');
    await client.end();
    expect(seqs.rows).toEqual([
      { id: 'a', seq: 2 },
      { id: 'unwritten', seq: 0 },
    ]);
    expect(events.rows).toEqual([{ n: 0 }]);
  }, 60_000);
});
