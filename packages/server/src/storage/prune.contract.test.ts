import { describe, expect, it } from 'vitest';
import {
  MINUTE_MS,
  PRUNE_POLICY,
  appendWithOps,
  pruneAll,
  storedSeqs,
  storeRun,
} from '../test-utils/pruning.js';
import { appendEvents, roomEvent } from '../test-utils/roomEvents.js';
import { storageSubjects } from '../test-utils/storageSubjects.js';
import type { PrunePolicy, Storage } from './Storage.js';

/** Stores each finished run, then prunes at its minute: one tombstone per run, each at its time. */
async function deleteRunsAt(
  storage: Storage,
  policy: PrunePolicy,
  runs: readonly (readonly [string, number])[],
): Promise<void> {
  for (const [id, minute] of runs) {
    await storeRun(storage, id, 'completed', 0);
    await pruneAll(storage, policy, minute * MINUTE_MS);
  }
}

// Retention: events (G1), op ids (G2), finished runs (G3), batches (G4) and tombstones (G5).
describe.each(storageSubjects())('Storage contract: $name', (subject) => {
  it("G1 B6 prune never deletes a board's events after its document's seq, though past every bound; it deletes those before it, and other rooms' as the bounds say", async () => {
    const storage = await subject.create();
    const epoch = await appendEvents(storage, 'board:a', 4);
    const documents = [{ kind: 'board' as const, id: 'a', value: {} }];
    await storage.append({ ...roomEvent('board:a', epoch, 5), documents });
    await appendEvents(storage, 'board:a', 25);
    await appendEvents(storage, 'workflow:a', 30);
    // Past the count, the age and (where the engine applies it, G1) the bytes bound.
    const policy = { ...PRUNE_POLICY, roomMaxBytes: 1 };
    await pruneAll(storage, policy, 1_000 + PRUNE_POLICY.eventMaxAgeMs + 100);
    const afterDocument = Array.from({ length: 25 }, (_, i) => 6 + i);
    expect(await storedSeqs(storage, 'board:a')).toEqual(afterDocument);
    expect(await storedSeqs(storage, 'workflow:a')).toEqual([]);
  });

  it('G1 prune keeps the newest roomMaxEvents events of a room, and its head', async () => {
    const storage = await subject.create();
    await appendWithOps(storage, 'board:a', 50, 0);
    await appendWithOps(storage, 'board:b', 5, 0);
    await pruneAll(storage, PRUNE_POLICY, 100);
    expect((await storage.readHead('board:a')).headSeq).toBe(50);
    expect(await storedSeqs(storage, 'board:a')).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(await storedSeqs(storage, 'board:b')).toEqual([1, 2, 3, 4, 5]);
  });

  it('G1 prune deletes events older than eventMaxAgeMs and keeps younger ones', async () => {
    const storage = await subject.create();
    await appendWithOps(storage, 'board:a', 6, 0, MINUTE_MS);
    await pruneAll(storage, PRUNE_POLICY, 13.5 * MINUTE_MS);
    // Events at 4–6 min are within 10 min of 13.5 min; those at 1–3 min are not.
    expect(await storedSeqs(storage, 'board:a')).toEqual([4, 5, 6]);
  });

  it('G2 prune keeps an applied op id for opIdMaxAgeMs, then deletes it', async () => {
    const storage = await subject.create();
    await appendWithOps(storage, 'board:a', 3, 0, MINUTE_MS);
    await pruneAll(storage, PRUNE_POLICY, 3.5 * MINUTE_MS);
    expect(await storage.appliedOp('board:a', 'board:a-op-1')).toBeNull();
    expect(await storage.appliedOp('board:a', 'board:a-op-2')).toBe(2);
    expect(await storage.appliedOp('board:a', 'board:a-op-3')).toBe(3);
  });

  it('G3 prune deletes finished runs past runMaxAgeMs with their events and their room (it opens again with another epoch, which tells other nodes); running and recent runs stay', async () => {
    const storage = await subject.create();
    await storeRun(storage, 'old', 'completed', 0);
    await storeRun(storage, 'oldfail', 'failed', 0);
    await storeRun(storage, 'recent', 'cancelled', 50 * MINUTE_MS);
    await storeRun(storage, 'busy', 'running', 0);
    const before = await storage.readHead('workflow:old');
    // Events age out only with their run here.
    const policy = { ...PRUNE_POLICY, eventMaxAgeMs: 1000 * MINUTE_MS };
    const reports = await pruneAll(storage, policy, 70 * MINUTE_MS);
    expect(reports.flatMap((r) => r.runs).sort()).toEqual(['old', 'oldfail']);
    expect(await storage.loadDocument('workflow', 'old')).toBeNull();
    expect(await storedSeqs(storage, 'workflow:old')).toEqual([]);
    const after = await storage.readHead('workflow:old');
    expect(after.headSeq).toBe(0);
    expect(after.epoch).not.toBe(before.epoch);
    expect(await storedSeqs(storage, 'workflow:busy')).toEqual([1]);
    expect(await storage.countWorkflows()).toMatchObject({
      completed: 0,
      failed: 0,
      cancelled: 1,
      running: 1,
    });
  });

  it('G3 prune keeps at most runMaxCount finished runs: the longest finished past it are deleted however young, with their room and a tombstone; unfinished runs do not count', async () => {
    const storage = await subject.create();
    for (const [id, minute] of [
      ['a', 3],
      ['b', 1],
      ['c', 4],
      ['d', 2],
    ] as const)
      await storeRun(storage, id, 'cancelled', minute * MINUTE_MS);
    // The newest of all: were it counted, it would push a finished run past the count.
    await storeRun(storage, 'busy', 'running', 4.5 * MINUTE_MS);
    const policy = { ...PRUNE_POLICY, runMaxCount: 2 };
    const reports = await pruneAll(storage, policy, 5 * MINUTE_MS);
    expect(reports.flatMap((r) => r.runs)).toEqual(['b', 'd']);
    expect(await storage.loadDocument('workflow', 'b')).toBeNull();
    expect(await storedSeqs(storage, 'workflow:d')).toEqual([]);
    expect(await storage.loadTombstone('d')).toEqual({ id: 'd', deletedAt: 5 * MINUTE_MS });
    expect(await storage.countWorkflows()).toMatchObject({ cancelled: 2, running: 1 });
  });

  it('G3 SEQ5 a deleted run born in the unborn epoch moves that epoch on, so its id starts again in another; one born before the last move leaves it', async () => {
    const storage = await subject.create();
    const born = await storage.readHead('workflow:never');
    await storeRun(storage, 'first', 'completed', 0);
    await storeRun(storage, 'second', 'completed', 30 * MINUTE_MS);
    expect(await storage.readHead('workflow:first')).toMatchObject({ epoch: born.epoch });

    await pruneAll(storage, PRUNE_POLICY, 70 * MINUTE_MS);
    const moved = await storage.readHead('workflow:never');
    expect(moved.epoch).not.toBe(born.epoch);
    expect(await storage.readHead('workflow:first')).toEqual(moved);
    expect(await storage.readHead('board:never')).toEqual(moved);

    // `second` was born in the epoch that moved on already: no client of it can hold `moved`.
    await pruneAll(storage, PRUNE_POLICY, 100 * MINUTE_MS);
    expect(await storage.loadDocument('workflow', 'second')).toBeNull();
    expect(await storage.readHead('workflow:second')).toEqual(moved);
  });

  it('G5 a run prune deletes leaves a tombstone with its id and when, also after a reopen; tombstones older than tombstoneMaxAgeMs are deleted, younger ones stay', async () => {
    const storage = await subject.create();
    await storeRun(storage, 'first', 'completed', 0);
    await pruneAll(storage, PRUNE_POLICY, 70 * MINUTE_MS);
    await storeRun(storage, 'second', 'failed', 0);
    await pruneAll(storage, PRUNE_POLICY, 100 * MINUTE_MS);
    await storage.close();
    const reopened = await subject.reopen(storage);
    expect(await reopened.loadTombstone('first')).toEqual({
      id: 'first',
      deletedAt: 70 * MINUTE_MS,
    });
    expect(await reopened.loadTombstone('never')).toBeNull();

    const reports = await pruneAll(reopened, PRUNE_POLICY, 140 * MINUTE_MS);
    expect(reports.reduce((sum, r) => sum + r.tombstones, 0)).toBe(1);
    expect(await reopened.loadTombstone('first')).toBeNull();
    expect(await reopened.loadTombstone('second')).toEqual({
      id: 'second',
      deletedAt: 100 * MINUTE_MS,
    });
  });

  it('G5 prune keeps at most tombstoneMaxCount told tombstones, the newest, however young; an untold one stays until told', async () => {
    const storage = await subject.create();
    const policy = { ...PRUNE_POLICY, tombstoneMaxAgeMs: 1000 * MINUTE_MS, tombstoneMaxCount: 2 };
    await deleteRunsAt(storage, policy, [
      ['a', 70],
      ['b', 80],
      ['c', 90],
    ]);
    expect(await storage.loadTombstone('a')).not.toBeNull();

    await storage.markTold(await storage.untoldTombstones(10));
    const reports = await pruneAll(storage, policy, 95 * MINUTE_MS);
    expect(reports.reduce((sum, r) => sum + r.tombstones, 0)).toBe(1);
    expect(await storage.loadTombstone('a')).toBeNull();
    expect(await storage.loadTombstone('b')).toEqual({ id: 'b', deletedAt: 80 * MINUTE_MS });
    expect(await storage.loadTombstone('c')).not.toBeNull();
  });

  it('G5 untoldTombstones lists deletions not yet told, oldest first, up to the limit, not one whose id a run is stored under again; markTold marks those told, and a later deletion of the id is untold again', async () => {
    const storage = await subject.create();
    const policy = { ...PRUNE_POLICY, tombstoneMaxAgeMs: 1000 * MINUTE_MS };
    await deleteRunsAt(storage, policy, [
      ['b', 70],
      ['a', 80],
      ['c', 90],
    ]);
    const tombstone = (id: string, at: number) => ({ id, deletedAt: at * MINUTE_MS });
    expect(await storage.untoldTombstones(2)).toEqual([tombstone('b', 70), tombstone('a', 80)]);
    await storage.markTold([tombstone('b', 70)]);
    await storeRun(storage, 'c', 'running', 95 * MINUTE_MS);
    expect(await storage.untoldTombstones(10)).toEqual([tombstone('a', 80)]);

    await storeRun(storage, 'b', 'completed', 100 * MINUTE_MS);
    await pruneAll(storage, policy, 170 * MINUTE_MS);
    expect(await storage.untoldTombstones(10)).toEqual([tombstone('a', 80), tombstone('b', 170)]);
  });

  it('G4 one prune call deletes at most batchRows rows, and calls go on while it says more', async () => {
    const storage = await subject.create();
    for (const room of ['board:a', 'board:b', 'board:c']) await appendWithOps(storage, room, 40, 0);
    const reports = await pruneAll(storage, { ...PRUNE_POLICY, batchRows: 7 }, 10 * MINUTE_MS);
    for (const r of reports) expect(r.events + r.ops + r.runs.length).toBeLessThanOrEqual(7);
    expect(reports.at(-1)?.more).toBe(false);
    for (const room of ['board:a', 'board:b', 'board:c'])
      expect(await storedSeqs(storage, room)).toHaveLength(10);
    expect(await storage.appliedOp('board:c', 'board:c-op-40')).toBeNull();
  });
});
