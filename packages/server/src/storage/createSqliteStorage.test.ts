import { copyFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { onTestCleanup, tempDataDir } from '../test-utils/index.js';
import { PRUNE_POLICY, openSqliteStorage } from '../test-utils/pruning.js';
import {
  COUNT_WORKFLOWS_IN_SQL,
  DATABASE_FILE,
  LIST_WORKFLOWS_SQL,
  SQLITE_BUSY_TIMEOUT_MS,
  WAL_SIZE_LIMIT_BYTES,
  createSqliteStorage,
} from './createSqliteStorage.js';

describe('the SQLite storage file', () => {
  it('the WAL a reader let grow past WAL_SIZE_LIMIT_BYTES is cut back to it once the reader is gone', async () => {
    const { storage, reader } = openSqliteStorage();
    const walBytes = () => statSync(`${reader.name}-wal`).size;
    const { epoch } = await storage.readHead('board:a');
    let seq = 0;
    const append = async (count: number) => {
      for (let i = 0; i < count; i += 1) {
        seq += 1;
        const frame = `{"seq":${seq},"pad":"${'x'.repeat(3000)}"}`;
        await storage.append({ room: 'board:a', epoch, seq, frame, at: seq });
      }
    };
    // An open read transaction holds its snapshot, so no checkpoint can start the WAL over.
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM room_events').get();
    await append(1000);
    const held = walBytes();
    reader.exec('COMMIT');
    const after: number[] = [];
    for (let round = 0; round < 20 && (after.at(-1) ?? held) > WAL_SIZE_LIMIT_BYTES; round += 1) {
      await append(100);
      after.push(walBytes());
    }

    expect(held).toBeGreaterThan(2 * WAL_SIZE_LIMIT_BYTES);
    expect(after.at(-1)).toBeLessThanOrEqual(WAL_SIZE_LIMIT_BYTES);
  });
});

describe('the SQLite storage beside another connection holding the write lock', () => {
  it('refuses a write after SQLITE_BUSY_TIMEOUT_MS, not after better-sqlite3’s 5 s that block the event loop, and writes again once the lock is gone', async () => {
    const dataDir = tempDataDir();
    const storage = createSqliteStorage(dataDir, createLogger('silent'));
    const other = new Database(join(dataDir, DATABASE_FILE));
    onTestCleanup(() => {
      other.close();
      return storage.close();
    });
    const doc = { kind: 'board', id: 'b', value: {} } as const;
    other.exec('BEGIN EXCLUSIVE');
    const started = performance.now();
    const refused = storage.putDocument(doc);
    const blockedMs = performance.now() - started;
    await expect(refused).rejects.toThrow(/database is locked/);
    other.exec('COMMIT');
    await storage.putDocument(doc);

    expect(blockedMs).toBeGreaterThanOrEqual(SQLITE_BUSY_TIMEOUT_MS);
    expect(blockedMs).toBeLessThan(1_000);
  });
});

describe('the SQLite storage whose file goes away while it runs', () => {
  it.each([
    ['the data directory is deleted', (dataDir: string) => rmSync(dataDir, { recursive: true })],
    [
      'the file is replaced by a copy',
      (dataDir: string) => {
        const file = join(dataDir, DATABASE_FILE);
        copyFileSync(file, `${file}.copy`);
        renameSync(`${file}.copy`, file);
      },
    ],
  ])(
    'refuses every write (appends, documents, pruning) once %s, so nothing is acknowledged that a restart would lose, and says so in its status',
    async (_, takeAway) => {
      const dataDir = tempDataDir();
      const storage = createSqliteStorage(dataDir, createLogger('silent'));
      onTestCleanup(() => storage.close());
      const doc = { kind: 'board', id: 'b', value: {} } as const;
      await storage.putDocument(doc);
      takeAway(dataDir);
      await expect(storage.putDocument(doc)).rejects.toThrow(/removed or replaced while open/);
      const { epoch } = await storage.readHead('board:a');
      await expect(
        storage.append({ room: 'board:a', epoch, seq: 1, frame: '{}', at: 1 }),
      ).rejects.toThrow(/removed or replaced/);
      await expect(storage.prune(PRUNE_POLICY, Date.now())).rejects.toThrow(/removed or replaced/);
      expect(storage.status()).toMatchObject({ ok: false });
    },
  );
});

describe('the SQLite storage that cannot open its database', () => {
  it('is logged once, at open, as storage.error naming the data directory; the writes it refuses log nothing more', async () => {
    const file = join(tempDataDir(), 'file');
    writeFileSync(file, 'not a directory');
    const dataDir = join(file, 'data');
    const logged: string[] = [];
    const storage = createSqliteStorage(
      dataDir,
      createLogger('info', (line) => logged.push(line)),
    );
    onTestCleanup(() => storage.close());
    const doc = { kind: 'board', id: 'b', value: {} } as const;
    await expect(storage.putDocument(doc)).rejects.toThrow(dataDir);
    await expect(storage.putDocument(doc)).rejects.toThrow(dataDir);

    expect(logged.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({
        level: 'error',
        event: 'storage.error',
        engine: 'sqlite',
        error: expect.stringContaining(`cannot open database in ${dataDir}: `) as string,
      }),
    ]);
  });
});

describe('the SQLite storage queries', () => {
  it.each([
    ['W4 listWorkflows', LIST_WORKFLOWS_SQL],
    ['W8 countWorkflowsIn', COUNT_WORKFLOWS_IN_SQL],
  ])('%s searches the status index for each status asked, reading no other run', (_, sql) => {
    const { reader } = openSqliteStorage();
    const plan = reader
      .prepare(`EXPLAIN QUERY PLAN ${sql}`)
      .all('["queued","running"]')
      .map((row) => (row as { detail: string }).detail);
    expect(plan.filter((step) => step.includes('documents'))).toEqual([
      expect.stringMatching(
        /^SEARCH documents USING (COVERING )?INDEX documents_run_status \(kind=\? AND <expr>=\?\)$/,
      ),
    ]);
  });
});
