import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { LivelineServerOptions } from '../index.js';
import { createMemoryBroker } from '../rooms/createMemoryBroker.js';
import { DATABASE_FILE } from '../storage/createSqliteStorage.js';
import { encodeTextFrame } from '../transport/wireFrame.js';
import { onTestCleanup } from './index.js';

/** A server on `dataDir` with the clock `now` that prunes every 5 ms, and `limits`. */
export const retentionOptions = (
  dataDir: string,
  now: () => number,
  limits: LivelineServerOptions,
) => ({
  dataDir,
  now,
  pruneIntervalMs: 5,
  ...limits,
});

/** The embedded broker, held by the test to look into, with a history of `maxAgeMs`. */
export const memoryBroker = (now: () => number, maxAgeMs: number) =>
  createMemoryBroker({ maxEvents: 1000, maxAgeMs, maxBytes: 1 << 20 }, now, encodeTextFrame);

/** Opens the server's database (in `dataDir`) through a second, read-only connection. */
export function openReader(dataDir: string) {
  const db = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  onTestCleanup(() => db.close());
  return db;
}

/** Counts rows of the server's database through a second, read-only connection. */
export function rowCounter(dataDir: string) {
  const db = openReader(dataDir);
  return (table: string, room?: string): number =>
    room === undefined
      ? (db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number)
      : (db.prepare(`SELECT count(*) FROM ${table} WHERE room = ?`).pluck().get(room) as number);
}
