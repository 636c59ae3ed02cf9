import { join } from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { DATABASE_FILE, createSqliteStorage } from '../storage/createSqliteStorage.js';
import type { PrunePolicy, PruneReport, Storage } from '../storage/Storage.js';
import { onTestCleanup, tempDataDir } from './onTestCleanup.js';

/** A minute in ms. */
export const MINUTE_MS = 60_000;

/** Tiny retention limits for the prune tests (PROTOCOL.md G1–G4). */
export const PRUNE_POLICY: PrunePolicy = {
  roomMaxEvents: 10,
  roomMaxBytes: 1024 * 1024,
  eventMaxAgeMs: 10 * MINUTE_MS,
  opIdMaxAgeMs: 2 * MINUTE_MS,
  runMaxAgeMs: 60 * MINUTE_MS,
  runMaxCount: 1000,
  tombstoneMaxAgeMs: 60 * MINUTE_MS,
  tombstoneMaxCount: 1000,
  runRoom: (id) => `workflow:${id}`,
  batchRows: 1000,
};

/** Appends `count` events to `room`, each with the op id `<room>-op-<seq>`, `stepMs` apart from `from`. */
export async function appendWithOps(
  storage: Storage,
  room: string,
  count: number,
  from: number,
  stepMs = 1,
): Promise<void> {
  const { epoch, headSeq } = await storage.readHead(room);
  for (let i = 1; i <= count; i += 1) {
    const seq = headSeq + i;
    const frame = `{"seq":${seq}}`;
    const at = from + i * stepMs;
    expect(
      await storage.append({ room, epoch, seq, frame, at, opId: `${room}-op-${seq}` }),
    ).toEqual({ kind: 'ok' });
  }
}

/** The seqs of the events a room still stores. */
export const storedSeqs = async (storage: Storage, room: string): Promise<number[]> =>
  (await storage.readEvents(room, 0, 1000)).map((e) => e.seq);

/** Prunes until nothing is left, returning every report. */
export async function pruneAll(
  storage: Storage,
  policy: PrunePolicy,
  now: number,
): Promise<PruneReport[]> {
  const reports: PruneReport[] = [];
  for (let more = true; more;) {
    const report = await storage.prune(policy, now);
    reports.push(report);
    more = report.more;
  }
  return reports;
}

/** Stores a run's document (`status`, `updated_at`) with one event in its room. */
export async function storeRun(
  storage: Storage,
  id: string,
  status: string,
  updatedAt: number,
): Promise<void> {
  const room = `workflow:${id}`;
  const { epoch } = await storage.readHead(room);
  const value = { id, status, updated_at: updatedAt };
  const documents = [{ kind: 'workflow' as const, id, value }];
  await storage.append({ room, epoch, seq: 1, frame: '{}', at: updatedAt, documents });
}

/** A real SQLite storage in a temporary directory, and a second connection that counts its rows. */
export function openSqliteStorage() {
  const dataDir = tempDataDir();
  const storage = createSqliteStorage(dataDir, createLogger('silent'));
  const reader = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  onTestCleanup(() => {
    reader.close();
    return storage.close();
  });
  const rows = (table: string): number =>
    reader.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return { storage, rows, reader };
}
