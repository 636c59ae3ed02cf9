import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../log/createLogger.js';
import { onTestCleanup, tempDataDir } from '../test-utils/index.js';
import { DATABASE_FILE, createSqliteStorage } from './createSqliteStorage.js';
import type { PrunePolicy, PruneReport, Storage } from './Storage.js';

const MINUTE_MS = 60_000;
const POLICY: PrunePolicy = {
  roomMaxEvents: 10,
  eventMaxAgeMs: 10 * MINUTE_MS,
  opIdMaxAgeMs: 2 * MINUTE_MS,
  runMaxAgeMs: 60 * MINUTE_MS,
  runRoom: (id) => `workflow:${id}`,
  batchRows: 1000,
};

/** A real SQLite storage in a temporary directory, and a second connection that counts its rows. */
function openStorage() {
  const dataDir = tempDataDir();
  const storage = createSqliteStorage(dataDir, createLogger('silent'));
  const reader = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  onTestCleanup(() => {
    reader.close();
    void storage.close();
  });
  const rows = (table: string): number =>
    reader.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number;
  return { dataDir, storage, rows, reader };
}

/** Appends `count` events to `room`, each with an op id, `stepMs` apart from `from`. */
async function append(storage: Storage, room: string, count: number, from: number, stepMs = 1) {
  const { epoch, headSeq } = await storage.openRoom(room);
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
const storedSeqs = async (storage: Storage, room: string) =>
  (await storage.readEvents(room, 0, 1000)).map((e) => e.seq);

/** Prunes until nothing is left, returning every report. */
async function pruneAll(storage: Storage, policy: PrunePolicy, now: number) {
  const reports: PruneReport[] = [];
  for (let more = true; more;) {
    const report = await storage.prune(policy, now);
    reports.push(report);
    more = report.more;
  }
  return reports;
}

/** Stores a run's document with one event in its room. */
async function storeRun(storage: Storage, id: string, status: string, updatedAt: number) {
  const room = `workflow:${id}`;
  const { epoch } = await storage.openRoom(room);
  const value = { id, status, updated_at: updatedAt };
  const documents = [{ kind: 'workflow' as const, id, value }];
  await storage.append({ room, epoch, seq: 1, frame: '{}', at: updatedAt, documents });
}

describe('SQLite retention (createSqlitePruner)', () => {
  it('G1 a room keeps only the newest roomMaxEvents events, its head stays, and reads find exactly those', async () => {
    const { storage, rows } = openStorage();
    await append(storage, 'board:a', 50, 0);
    await append(storage, 'board:b', 5, 0);

    await pruneAll(storage, POLICY, 100);

    expect(rows('room_events')).toBe(15);
    expect((await storage.openRoom('board:a')).headSeq).toBe(50);
    expect(await storedSeqs(storage, 'board:a')).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(await storedSeqs(storage, 'board:b')).toEqual([1, 2, 3, 4, 5]);
  });

  it('G1 events older than eventMaxAgeMs are deleted, younger ones kept', async () => {
    const { storage } = openStorage();
    await append(storage, 'board:a', 6, 0, MINUTE_MS);

    await pruneAll(storage, POLICY, 13.5 * MINUTE_MS);

    // Events at 4..6 min are within 10 min of 13.5 min; those at 1..3 min are not.
    expect(await storedSeqs(storage, 'board:a')).toEqual([4, 5, 6]);
  });

  it('G2 an applied op id is kept for opIdMaxAgeMs, then deleted', async () => {
    const { storage, rows } = openStorage();
    await append(storage, 'board:a', 3, 0, MINUTE_MS);

    await pruneAll(storage, POLICY, 3.5 * MINUTE_MS);

    expect(await storage.appliedOp('board:a', 'board:a-op-1')).toBeNull();
    expect(await storage.appliedOp('board:a', 'board:a-op-2')).toBe(2);
    expect(await storage.appliedOp('board:a', 'board:a-op-3')).toBe(3);
    expect(rows('applied_ops')).toBe(2);
  });

  it('G2 op ids stored before they had a time are kept a whole window from their first prune', async () => {
    const { storage, reader } = openStorage();
    await append(storage, 'board:a', 2, 0);
    const writer = new Database(reader.name);
    writer.exec('UPDATE applied_ops SET at = NULL');
    writer.close();

    await pruneAll(storage, POLICY, 100 * MINUTE_MS);
    expect(await storage.appliedOp('board:a', 'board:a-op-1')).toBe(1);
    await pruneAll(storage, POLICY, 102.5 * MINUTE_MS);
    expect(await storage.appliedOp('board:a', 'board:a-op-1')).toBeNull();
  });

  it('G3 a finished run past runMaxAgeMs is deleted with its room, events and op ids; running and recent runs stay', async () => {
    const { storage, rows } = openStorage();
    await storeRun(storage, 'old', 'completed', 0);
    await storeRun(storage, 'oldfail', 'failed', 0);
    await storeRun(storage, 'recent', 'cancelled', 50 * MINUTE_MS);
    await storeRun(storage, 'busy', 'running', 0);

    // Events age out only with their run here.
    const reports = await pruneAll(
      storage,
      { ...POLICY, eventMaxAgeMs: 1000 * MINUTE_MS },
      70 * MINUTE_MS,
    );

    expect(reports.flatMap((r) => r.runs).sort()).toEqual(['old', 'oldfail']);
    expect(await storage.loadDocument('workflow', 'old')).toBeNull();
    expect(await storedSeqs(storage, 'workflow:old')).toEqual([]);
    expect(await storage.listDocuments('workflow')).toHaveLength(2);
    expect(rows('room_events')).toBe(2);
    expect(rows('rooms')).toBe(2);
  });

  it('G4 one call deletes at most batchRows rows; calls go on while it says more', async () => {
    const { storage, rows } = openStorage();
    for (const room of ['board:a', 'board:b', 'board:c']) await append(storage, room, 40, 0);
    const policy = { ...POLICY, batchRows: 7 };

    const reports = await pruneAll(storage, policy, 10 * MINUTE_MS);

    for (const r of reports) expect(r.events + r.ops + r.runs.length).toBeLessThanOrEqual(7);
    expect(reports.at(-1)?.more).toBe(false);
    expect(rows('room_events')).toBe(30);
    expect(rows('applied_ops')).toBe(0);
  });
});
