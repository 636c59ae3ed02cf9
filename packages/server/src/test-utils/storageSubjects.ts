import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { DATABASE_FILE, createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { Storage } from '../storage/Storage.js';
import { startPostgres, type TestPostgres } from './engines/startPostgres.js';
import { onTestCleanup, tempDataDir } from './index.js';

/** One implementation under the contract: every case runs against each. */
export interface StorageSubject {
  readonly name: string;
  /** A storage on a fresh, empty database, closed after the test. */
  create(): Promise<Storage>;
  /** A new storage on the database of `storage`, which the case has closed: what a restart sees. */
  reopen(storage: Storage): Promise<Storage>;
  /** The rows of the `rooms` table, read beside the storage: what reads of rooms wrote (SEQ5). */
  roomRows(storage: Storage): Promise<number>;
  /** Releases what the subject started (a database server), after all its cases. */
  destroy(): Promise<void>;
}

/** The SQLite storage, a temporary directory per case. */
const sqliteSubject = (): StorageSubject => {
  const dirs = new WeakMap<Storage, string>();
  const open = (dir: string): Storage => {
    const storage = createSqliteStorage(dir, createLogger('silent'));
    dirs.set(storage, dir);
    onTestCleanup(() => storage.close());
    return storage;
  };
  return {
    name: 'sqlite',
    create: () => Promise.resolve(open(tempDataDir())),
    reopen: (storage) => Promise.resolve(open(dirs.get(storage) ?? tempDataDir())),
    roomRows: (storage) => {
      const db = new Database(join(dirs.get(storage) ?? '', DATABASE_FILE), { readonly: true });
      try {
        return Promise.resolve(db.prepare('SELECT count(*) FROM rooms').pluck().get() as number);
      } finally {
        db.close();
      }
    },
    destroy: () => Promise.resolve(),
  };
};

/** A throwaway PostgreSQL cluster for the file (started by the first case), a database per case. */
const postgresSubject = (): StorageSubject => {
  let cluster: Promise<TestPostgres> | null = null;
  const urls = new WeakMap<Storage, string>();
  let databases = 0;
  const open = (url: string): Storage => {
    const storage = createPostgresStorage({ url, log: createLogger('silent') });
    urls.set(storage, url);
    onTestCleanup(() => storage.close());
    return storage;
  };
  return {
    name: 'postgres',
    async create() {
      cluster ??= startPostgres();
      databases += 1;
      return open(await (await cluster).createDatabase(`contract_${databases}`));
    },
    reopen: (storage) => {
      const url = urls.get(storage);
      return url
        ? Promise.resolve(open(url))
        : Promise.reject(new Error('reopen of a storage this subject did not create'));
    },
    async roomRows(storage) {
      const client = new pg.Client({ connectionString: urls.get(storage) });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM rooms');
        return rows[0]?.n ?? 0;
      } finally {
        await client.end();
      }
    },
    async destroy() {
      if (cluster) await (await cluster).stop();
    },
  };
};

/**
 * Every implementation under the contract, released after the file's last case: add one here (one
 * line) and it must pass every contract case. Call it at the top of a contract test file.
 */
export function useStorageSubjects(): readonly StorageSubject[] {
  const subjects = [sqliteSubject(), postgresSubject()];
  afterAll(async () => {
    for (const subject of subjects) await subject.destroy();
  });
  return subjects;
}
