import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { inject } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { createPostgresStorage } from '../storage/createPostgresStorage.js';
import { DATABASE_FILE, createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { Storage } from '../storage/Storage.js';
import { createDatabase } from './engines/startPostgres.js';
import { onTestCleanup, tempDataDir } from './onTestCleanup.js';

/** One implementation under the contract: every case runs against each. */
export interface StorageSubject {
  readonly name: string;
  /** A storage on a fresh, empty database, closed after the test. */
  create(): Promise<Storage>;
  /** A new storage on the database of `storage`, which the case has closed: what a restart sees. */
  reopen(storage: Storage): Promise<Storage>;
  /** The rows of the `rooms` table, read beside the storage: what reads of rooms wrote (SEQ5). */
  roomRows(storage: Storage): Promise<number>;
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
  };
};

/**
 * The PostgreSQL storage, a database per case on the cluster the storage contract project's global
 * setup started (test-utils/engines/storageContractSetup.ts).
 */
const postgresSubject = (): StorageSubject => {
  const urls = new WeakMap<Storage, string>();
  const open = (url: string): Storage => {
    const storage = createPostgresStorage({ url, log: createLogger('silent') });
    urls.set(storage, url);
    onTestCleanup(() => storage.close());
    return storage;
  };
  return {
    name: 'postgres',
    // Files run at once on the one cluster: a random name cannot collide with another file's.
    create: async () =>
      open(
        await createDatabase(
          inject('storageContractPostgres'),
          `contract_${randomUUID().replaceAll('-', '')}`,
        ),
      ),
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
  };
};

/**
 * Every implementation under the contract: add one here (one line) and it must pass every contract
 * case. The suite's files (`src/storage/*.contract.test.ts`) run in the `storage contract` project
 * (packages/server/vitest.contract.config.ts), whose global setup starts their PostgreSQL.
 */
export const storageSubjects = (): readonly StorageSubject[] => [
  sqliteSubject(),
  postgresSubject(),
];
