import { copyFileSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../storage/createSqliteStorage.js';
import { serverBoard } from '../reliability/expectConverged.js';
import { startBackupLoad } from '../test-utils/backupLoad.js';
import { boardOfBytes, storeBoard } from '../test-utils/boardOfBytes.js';
import {
  connectTestClient,
  createCardOverHttp,
  tempDataDir,
  wsOrigin,
} from '../test-utils/index.js';
import { runCli } from '../test-utils/runCli.js';
import { spawnServer } from '../test-utils/spawnServer.js';

/** The restore of docs/operations.md, with the server stopped: the backup replaces the database and its WAL. */
function restore(backup: string, dataDir: string) {
  for (const suffix of ['', '-wal', '-shm'])
    rmSync(join(dataDir, `${DATABASE_FILE}${suffix}`), { force: true });
  copyFileSync(backup, join(dataDir, DATABASE_FILE));
}

describe('liveline backup (the real bins)', () => {
  it('R1 R4 R5 B2 a backup under write load restores to a moment of the original with every op acked before it; clients get a snapshot, then resume, and a retried op is a duplicate', async () => {
    const dataDir = tempDataDir();
    const original = await spawnServer(dataDir);
    const load = await startBackupLoad(original.origin);

    const ackedBefore = [...load.acked];
    const file = join(tempDataDir(), 'liveline-backup.db');
    const run = await runCli(['backup', file], { DATA_DIR: dataDir });
    const ackedDuring = load.acked.length - ackedBefore.length;
    await load.stop();
    original.process.kill('SIGTERM');
    expect(await original.exited).toBe(0);
    restore(file, dataDir);
    const restored = await spawnServer(dataDir, { port: original.port });

    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(ackedDuring).toBeGreaterThan(0);
    await load.expectRestored(restored.origin, ackedBefore);
  }, 60_000);

  it('R1 R5 SEQ5 a board nobody had written when the backup was taken starts a new epoch too: a client that saw its later events on the original gets a snapshot from the restored server, not a resume', async () => {
    const dataDir = tempDataDir();
    const original = await spawnServer(dataDir);
    const file = join(tempDataDir(), 'liveline-backup.db');
    expect(await runCli(['backup', file], { DATA_DIR: dataDir })).toMatchObject({ code: 0 });
    const client = await connectTestClient(wsOrigin(original, '/ws/connect?board_id=later'));
    const { epoch } = await client.next('snapshot');
    for (const op of ['a', 'b'])
      expect((await createCardOverHttp(original, 'later', op)).status).toBe(201);
    await client.next((m) => m.seq === 2);
    client.ws.close();
    original.process.kill('SIGTERM');
    expect(await original.exited).toBe(0);

    restore(file, dataDir);
    const restored = await spawnServer(dataDir, { port: original.port });
    for (const op of ['c', 'd', 'e'])
      expect((await createCardOverHttp(restored, 'later', op)).status).toBe(201);
    const back = await connectTestClient(
      wsOrigin(restored, `/ws/connect?board_id=later&epoch=${String(epoch)}&seq=2`),
    );
    expect(await back.next((m) => m.type === 'snapshot' || m.type === 'resumed')).toMatchObject({
      type: 'snapshot',
      seq: 3,
      recovered: false,
      reason: 'epoch_changed',
    });
  }, 60_000);

  it('B6 R1 a board whose ops since its document are only events is restored whole: the backup stores it with them', async () => {
    const dataDir = tempDataDir();
    await storeBoard(dataDir, boardOfBytes('big', 64 * 1024));
    const original = await spawnServer(dataDir);
    for (const op of ['a', 'b', 'c'])
      expect((await createCardOverHttp(original, 'big', op)).status).toBe(201);
    const before = await serverBoard(original.origin, 'big');
    const file = join(tempDataDir(), 'liveline-backup.db');
    expect(await runCli(['backup', file], { DATA_DIR: dataDir })).toMatchObject({ code: 0 });
    original.process.kill('SIGTERM');
    expect(await original.exited).toBe(0);

    restore(file, dataDir);
    const restored = await spawnServer(dataDir, { port: original.port });
    const after = await serverBoard(restored.origin, 'big');
    expect(after.board).toEqual(before.board);
    expect(after.board?.cards.map((card) => card.title).slice(-3)).toEqual(['a', 'b', 'c']);
  }, 60_000);

  it('refuses to overwrite an existing file, and names a data directory without a database', async () => {
    const dataDir = tempDataDir();
    const taken = await runCli(['backup', dataDir], { DATA_DIR: dataDir });
    const missing = await runCli(['backup', join(dataDir, 'copy.db')], { DATA_DIR: dataDir });

    expect(taken).toMatchObject({ code: 1, stdout: '' });
    expect(taken.stderr).toBe(`liveline backup: ${dataDir} already exists; choose a new file\n`);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(`cannot open ${join(dataDir, DATABASE_FILE)}`);
  });

  it('in cluster mode (DATABASE_URL set) exits 2 naming the pg_dump procedure, and copies nothing', async () => {
    const dataDir = tempDataDir();
    const original = await spawnServer(dataDir);
    original.process.kill('SIGTERM');
    expect(await original.exited).toBe(0);
    const file = join(tempDataDir(), 'stale.db');

    const run = await runCli(['backup', file], {
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://liveline@db/liveline',
    });

    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toMatch(
      /^liveline backup: DATABASE_URL is set: .*pg_dump .*docs\/operations\.md/,
    );
    expect(existsSync(file)).toBe(false);
  });
});
