import type { WorkflowStatus } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  MINUTE_MS,
  PRUNE_POLICY,
  appendWithOps,
  pruneAll,
  storedSeqs,
  storeRun,
} from '../test-utils/pruning.js';
import { useStorageSubjects } from '../test-utils/storageSubjects.js';
import type { AppendRequest, Storage } from './Storage.js';

describe.each(useStorageSubjects())('Storage contract: $name', (subject) => {
  /** Appends `count` events after the head and returns the room's epoch. */
  const fill = async (storage: Storage, room: string, count: number): Promise<string> => {
    const { epoch, headSeq } = await storage.readHead(room);
    for (let i = 1; i <= count; i += 1)
      expect(await storage.append(event(room, epoch, headSeq + i))).toEqual({ kind: 'ok' });
    return epoch;
  };
  const event = (room: string, epoch: string, seq: number): AppendRequest => ({
    room,
    epoch,
    seq,
    frame: `{"seq":${seq},"text":"é ✓ ${room}"}`,
    at: 1_000 + seq,
  });

  it('SEQ5 a room nothing was appended to is at seq 0 of the unborn epoch, the same for every such room and after a reopen, and reading it writes no row', async () => {
    const storage = await subject.create();
    const head = await storage.readHead('board:a');
    const rows = await subject.roomRows(storage);
    expect(head.headSeq).toBe(0);
    expect(head.epoch).toMatch(/\S/);
    for (let i = 0; i < 50; i += 1) {
      expect(await storage.readHead(`board:never-${i}`)).toEqual(head);
      expect(await storage.readHead(`workflow:never-${i}`)).toEqual(head);
    }
    expect(await subject.roomRows(storage)).toBe(rows);
    await storage.close();
    const again = await subject.reopen(storage);
    expect(await again.readHead('board:b')).toEqual(head);
  });

  it('SEQ5 the append at seq 1 in the unborn epoch stores the room; one at another seq or in another epoch is a conflict naming seq 0 of the unborn epoch, and stores nothing', async () => {
    const storage = await subject.create();
    const unborn = await storage.readHead('board:new');
    const rows = await subject.roomRows(storage);
    for (const claim of [event('board:new', unborn.epoch, 2), event('board:new', 'guessed', 1)])
      expect(await storage.append(claim)).toEqual({ kind: 'conflict', head: unborn });
    expect(await subject.roomRows(storage)).toBe(rows);
    expect(await storage.readEvents('board:new', 0, 10)).toEqual([]);

    expect(await storage.append(event('board:new', unborn.epoch, 1))).toEqual({ kind: 'ok' });
    expect(await subject.roomRows(storage)).toBe(rows + 1);
    expect(await storage.readHead('board:new')).toEqual({ epoch: unborn.epoch, headSeq: 1 });
    expect(await storage.readHead('board:other')).toEqual(unborn);
  });

  it('R1 a room keeps its epoch, head and events across a reopen', async () => {
    const first = await subject.create();
    const epoch = await fill(first, 'board:a', 2);
    await first.close();
    const again = await subject.reopen(first);
    expect(await again.readHead('board:a')).toEqual({ epoch, headSeq: 2 });
    expect((await again.readEvents('board:a', 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('SEQ1 compare-and-append at head + 1 stores the event, its documents and its op id in one go', async () => {
    const storage = await subject.create();
    const { epoch } = await storage.readHead('board:a');
    const request = event('board:a', epoch, 1);
    const result = await storage.append({
      ...request,
      documents: [{ kind: 'board', id: 'a', value: { cards: [1] } }],
      opId: 'op-1',
    });
    expect(result).toEqual({ kind: 'ok' });
    expect(await storage.readHead('board:a')).toEqual({ epoch, headSeq: 1 });
    expect(await storage.readEvents('board:a', 0, 10)).toEqual([
      { seq: 1, frame: request.frame, at: request.at },
    ]);
    expect(await storage.loadDocument('board', 'a')).toEqual({ cards: [1] });
    expect(await storage.appliedOp('board:a', 'op-1')).toBe(1);
  });

  it('SEQ2 a stale or skipping seq, or another epoch, is a conflict with the head, and writes nothing', async () => {
    const storage = await subject.create();
    const epoch = await fill(storage, 'board:a', 2);
    const writes = { documents: [{ kind: 'board' as const, id: 'a', value: 'x' }], opId: 'o' };
    for (const claim of [
      event('board:a', epoch, 2),
      event('board:a', epoch, 4),
      event('board:a', 'another-epoch', 3),
    ])
      expect(await storage.append({ ...claim, ...writes })).toEqual({
        kind: 'conflict',
        head: { epoch, headSeq: 2 },
      });
    expect((await storage.readEvents('board:a', 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
    expect(await storage.loadDocument('board', 'a')).toBeNull();
    expect(await storage.appliedOp('board:a', 'o')).toBeNull();
  });

  it('SEQ2 of two writers claiming the same position exactly one wins', async () => {
    const storage = await subject.create();
    const { epoch } = await storage.readHead('board:a');
    const results = await Promise.all([
      storage.append(event('board:a', epoch, 1)),
      storage.append({ ...event('board:a', epoch, 1), frame: '{"other":true}' }),
    ]);
    expect(results.filter((r) => r.kind === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'conflict')).toEqual([
      { kind: 'conflict', head: { epoch, headSeq: 1 } },
    ]);
    expect(await storage.readEvents('board:a', 0, 10)).toHaveLength(1);
  });

  it('B2 an op id already applied in the room is a duplicate naming its seq, and writes nothing', async () => {
    const storage = await subject.create();
    const { epoch } = await storage.readHead('board:a');
    await storage.append({ ...event('board:a', epoch, 1), opId: 'op-1' });
    const again = await storage.append({
      ...event('board:a', epoch, 2),
      documents: [{ kind: 'board', id: 'a', value: 'second' }],
      opId: 'op-1',
    });
    expect(again).toEqual({ kind: 'duplicate', seq: 1 });
    expect(await storage.readHead('board:a')).toEqual({ epoch, headSeq: 1 });
    expect(await storage.loadDocument('board', 'a')).toBeNull();
    const other = await storage.readHead('board:b');
    expect(await storage.append({ ...event('board:b', other.epoch, 1), opId: 'op-1' })).toEqual({
      kind: 'ok',
    });
  });

  it('R8 readEvents answers the events after a seq, oldest first, at most the limit', async () => {
    const storage = await subject.create();
    await fill(storage, 'board:a', 5);
    await fill(storage, 'board:b', 1);
    const seqs = async (after: number, limit: number): Promise<number[]> =>
      (await storage.readEvents('board:a', after, limit)).map((e) => e.seq);
    expect(await seqs(0, 10)).toEqual([1, 2, 3, 4, 5]);
    expect(await seqs(2, 2)).toEqual([3, 4]);
    expect(await seqs(4, 10)).toEqual([5]);
    expect(await seqs(5, 10)).toEqual([]);
    expect(await storage.readEvents('board:none', 0, 10)).toEqual([]);
  });

  it('SEQ3 documents are stored by kind and id, and replaced by a later write', async () => {
    const storage = await subject.create();
    expect(await storage.loadDocument('workflow', 'w1')).toBeNull();
    await storage.putDocument({ kind: 'workflow', id: 'w1', value: { n: 1, s: 'ü' } });
    await storage.putDocument({ kind: 'workflow', id: 'w2', value: { n: 2 } });
    await storage.putDocument({ kind: 'workflow', id: 'w1', value: { n: 3 } });
    await storage.putDocument({ kind: 'transport', id: 'w1', value: [true, null] });
    expect(await storage.loadDocument('workflow', 'w1')).toEqual({ n: 3 });
    expect(await storage.loadDocument('transport', 'w1')).toEqual([true, null]);
    expect(await storage.loadDocument('workflow', 'w2')).toEqual({ n: 2 });
    expect(await storage.loadDocument('board', 'w1')).toBeNull();
    expect(storage.status()).toEqual({ ok: true });
  });

  it('B6 a document appended with an event is stored with its seq, one written by putDocument with seq 0; a reopen reads both', async () => {
    const storage = await subject.create();
    expect(await storage.loadSequenced('board', 'a')).toEqual({ seq: 0, value: null });
    const epoch = await fill(storage, 'board:a', 2);
    const documents = [{ kind: 'board' as const, id: 'a', value: { cards: [3] } }];
    expect(await storage.append({ ...event('board:a', epoch, 3), documents })).toEqual({
      kind: 'ok',
    });
    await fill(storage, 'board:a', 2);
    await storage.putDocument({ kind: 'board', id: 'put', value: { cards: [] } });
    await storage.close();
    const again = await subject.reopen(storage);
    expect(await again.loadSequenced('board', 'a')).toEqual({ seq: 3, value: { cards: [3] } });
    expect(await again.loadSequenced('board', 'put')).toEqual({ seq: 0, value: { cards: [] } });
  });

  it("G1 B6 prune never deletes a board's events after its document's seq, though past every bound; it deletes those before it, and other rooms' as the bounds say", async () => {
    const storage = await subject.create();
    const epoch = await fill(storage, 'board:a', 4);
    const documents = [{ kind: 'board' as const, id: 'a', value: {} }];
    await storage.append({ ...event('board:a', epoch, 5), documents });
    await fill(storage, 'board:a', 25);
    await fill(storage, 'workflow:a', 30);
    // Past the count, the age and (where the engine applies it, G1) the bytes bound.
    const policy = { ...PRUNE_POLICY, roomMaxBytes: 1 };
    await pruneAll(storage, policy, 1_000 + PRUNE_POLICY.eventMaxAgeMs + 100);
    const afterDocument = Array.from({ length: 25 }, (_, i) => 6 + i);
    expect(await storedSeqs(storage, 'board:a')).toEqual(afterDocument);
    expect(await storedSeqs(storage, 'workflow:a')).toEqual([]);
  });

  it('CM1 countWorkflows counts the stored runs by status (a rewritten run once, as it is now), every status present, other kinds and unknown statuses not counted; a restart sees the same', async () => {
    const storage = await subject.create();
    const none = { queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0, interrupted: 0 };
    expect(await storage.countWorkflows()).toEqual(none);
    await storeRun(storage, 'a', 'running', 1);
    await storeRun(storage, 'b', 'completed', 1);
    await storeRun(storage, 'c', 'completed', 1);
    await storage.putDocument({ kind: 'workflow', id: 'a', value: { id: 'a', status: 'failed' } });
    await storage.putDocument({ kind: 'workflow', id: 'd', value: { id: 'd', status: 'queued' } });
    await storage.putDocument({ kind: 'workflow', id: 'e', value: { id: 'e', status: 'paused' } });
    await storage.putDocument({ kind: 'board', id: 'f', value: { status: 'running' } });
    const counts = { ...none, queued: 1, completed: 2, failed: 1 };
    expect(await storage.countWorkflows()).toEqual(counts);
    await storage.close();
    expect(await (await subject.reopen(storage)).countWorkflows()).toEqual(counts);
  });

  it('W8 countWorkflowsIn counts the stored runs whose status is one of those asked (a rewritten run once, as it is now); other statuses and kinds are not counted; a restart sees the same', async () => {
    const storage = await subject.create();
    const unfinished = ['queued', 'running'] as const;
    expect(await storage.countWorkflowsIn(unfinished)).toBe(0);
    await storeRun(storage, 'a', 'running', 1);
    await storeRun(storage, 'b', 'completed', 1);
    await storage.putDocument({ kind: 'workflow', id: 'c', value: { id: 'c', status: 'queued' } });
    await storage.putDocument({ kind: 'workflow', id: 'd', value: { id: 'd', status: 'queued' } });
    await storage.putDocument({ kind: 'workflow', id: 'd', value: { id: 'd', status: 'failed' } });
    await storage.putDocument({ kind: 'workflow', id: 'e', value: { id: 'e', status: 'paused' } });
    await storage.putDocument({ kind: 'board', id: 'f', value: { status: 'running' } });
    expect(await storage.countWorkflowsIn(unfinished)).toBe(2);
    expect(await storage.countWorkflowsIn(['failed', 'completed'])).toBe(2);
    expect(await storage.countWorkflowsIn([])).toBe(0);
    await storage.close();
    expect(await (await subject.reopen(storage)).countWorkflowsIn(unfinished)).toBe(2);
  });

  it('B5 countBoards counts the stored boards, each once however often it is written; other kinds and rooms without a board are not counted; a restart sees the same', async () => {
    const storage = await subject.create();
    expect(await storage.countBoards()).toBe(0);
    const board = (id: string) => [{ kind: 'board' as const, id, value: { board_id: id } }];
    const a = await storage.readHead('board:a');
    expect(
      await storage.append({ ...event('board:a', a.epoch, 1), documents: board('a') }),
    ).toEqual({ kind: 'ok' });
    expect(
      await storage.append({ ...event('board:a', a.epoch, 2), documents: board('a') }),
    ).toEqual({ kind: 'ok' });
    const b = await storage.readHead('board:b');
    await storage.append({ ...event('board:b', b.epoch, 1), documents: board('b') });
    await storage.readHead('board:opened-only');
    await storeRun(storage, 'w', 'running', 1);
    await storage.putDocument({ kind: 'transport', id: 'main', value: {} });
    expect(await storage.countBoards()).toBe(2);
    await storage.close();
    expect(await (await subject.reopen(storage)).countBoards()).toBe(2);
  });

  it('W4 listWorkflows answers only the runs whose status is now one of those asked, also after a run ended by a later write', async () => {
    const storage = await subject.create();
    await storeRun(storage, 'queued', 'queued', 1);
    await storeRun(storage, 'running', 'running', 1);
    await storeRun(storage, 'ended', 'running', 1);
    await storeRun(storage, 'done', 'completed', 1);
    const { epoch } = await storage.readHead('workflow:ended');
    const value = { id: 'ended', status: 'failed' };
    const documents = [{ kind: 'workflow' as const, id: 'ended', value }];
    const ended = await storage.append({ ...event('workflow:ended', epoch, 2), documents });
    expect(ended).toEqual({ kind: 'ok' });
    await storage.putDocument({ kind: 'board', id: 'b', value: { id: 'b', status: 'running' } });
    const ids = async (statuses: WorkflowStatus[]) =>
      (await storage.listWorkflows(statuses)).map((run) => (run as { id: string }).id).sort();
    expect(await ids(['queued', 'running'])).toEqual(['queued', 'running']);
    expect(await ids(['failed', 'completed'])).toEqual(['done', 'ended']);
    expect(await ids([])).toEqual([]);
  });

  it('SEQ4 swapDocument stores version expected + 1 only while the stored version is expected; of two writers expecting one version exactly one wins', async () => {
    const storage = await subject.create();
    const swap = (value: unknown, expected: number) =>
      storage.swapDocument({ kind: 'transport', id: 'main', value }, expected);
    expect(await storage.loadVersioned('transport', 'main')).toEqual({ version: 0, value: null });
    expect(await swap({ n: 1 }, 0)).toEqual({ kind: 'ok' });
    expect(await swap({ n: 'stale' }, 0)).toEqual({
      kind: 'conflict',
      current: { version: 1, value: { n: 1 } },
    });
    const results = await Promise.all([swap({ n: 2 }, 1), swap({ n: 3 }, 1)]);
    expect(results.filter((r) => r.kind === 'ok')).toHaveLength(1);
    const stored = await storage.loadVersioned('transport', 'main');
    expect(stored.version).toBe(2);
    expect([{ n: 2 }, { n: 3 }]).toContainEqual(stored.value);
    await storage.putDocument({ kind: 'transport', id: 'main', value: { n: 4 } });
    expect(await storage.loadVersioned('transport', 'main')).toEqual({
      version: 2,
      value: { n: 4 },
    });
    await storage.close();
    const again = await subject.reopen(storage);
    expect(await again.loadDocument('transport', 'main')).toEqual({ n: 4 });
    expect(await again.swapDocument({ kind: 'transport', id: 'main', value: 5 }, 2)).toEqual({
      kind: 'ok',
    });
  });

  it('SEQ4 a document written only by putDocument is version 0, and a swap expecting 0 replaces it', async () => {
    const storage = await subject.create();
    await storage.putDocument({ kind: 'transport', id: 'main', value: { old: true } });
    expect(await storage.loadVersioned('transport', 'main')).toEqual({
      version: 0,
      value: { old: true },
    });
    expect(
      await storage.swapDocument({ kind: 'transport', id: 'main', value: { n: 1 } }, 0),
    ).toEqual({ kind: 'ok' });
    expect(await storage.loadVersioned('transport', 'main')).toEqual({
      version: 1,
      value: { n: 1 },
    });
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

  it('G5 untoldTombstones lists deletions not yet told, oldest first, up to the limit, not one whose id a run is stored under again; markTold marks those told, and a later deletion of the id is untold again', async () => {
    const storage = await subject.create();
    const policy = { ...PRUNE_POLICY, tombstoneMaxAgeMs: 1000 * MINUTE_MS };
    for (const [id, at] of [
      ['b', 70],
      ['a', 80],
      ['c', 90],
    ] as const) {
      await storeRun(storage, id, 'completed', 0);
      await pruneAll(storage, policy, at * MINUTE_MS);
    }
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
  it('WL1 a run is acquired when it has no lease, its lease lapsed or its owner asks again, each time with the next token', async () => {
    const storage = await subject.create();
    expect(await storage.acquireLease('r1', 'node-a', 1000, 0)).toEqual({
      runId: 'r1',
      owner: 'node-a',
      token: 1,
      expiresAt: 1000,
      handovers: 0,
    });
    expect(await storage.acquireLease('r1', 'node-b', 1000, 999)).toBeNull();
    expect(await storage.acquireLease('r1', 'node-b', 1000, 1000)).toMatchObject({
      owner: 'node-b',
      token: 2,
      expiresAt: 2000,
    });
    expect(await storage.acquireLease('r1', 'node-b', 1000, 1500)).toMatchObject({
      owner: 'node-b',
      token: 3,
      expiresAt: 2500,
    });
    expect(await storage.acquireLease('r2', 'node-a', 1000, 1500)).toMatchObject({ token: 1 });
  });

  it('WL1 of two nodes taking a lapsed run at once exactly one gets it', async () => {
    const storage = await subject.create();
    await storage.acquireLease('r1', 'node-a', 1000, 0);
    const taken = await Promise.all(
      ['node-b', 'node-c'].map((node) => storage.acquireLease('r1', node, 1000, 5000)),
    );
    expect(taken.filter((lease) => lease !== null)).toEqual([
      expect.objectContaining({ token: 2, expiresAt: 6000 }),
    ]);
  });

  it("WL2 the owner renews its lease while its token is the run's; a stale token renews nothing", async () => {
    const storage = await subject.create();
    const first = await storage.acquireLease('r1', 'node-a', 1000, 0);
    if (!first) throw new Error('not acquired');
    expect(await storage.renewLease(first, 1000, 800)).toMatchObject({ token: 1, expiresAt: 1800 });
    expect(await storage.acquireLease('r1', 'node-b', 1000, 1700)).toBeNull();
    await storage.acquireLease('r1', 'node-b', 1000, 1800);
    expect(await storage.renewLease(first, 1000, 1900)).toBeNull();
    expect(await storage.lapsedLeases(2700, 10)).toEqual([]);
  });

  it("WL3 an append fenced with a token that is no longer the run's is refused and writes nothing", async () => {
    const storage = await subject.create();
    const { epoch } = await storage.readHead('workflow:r1');
    const stale = await storage.acquireLease('r1', 'node-a', 1000, 0);
    const current = await storage.acquireLease('r1', 'node-b', 1000, 1000);
    if (!stale || !current) throw new Error('not acquired');
    const write = (token: number, runId = 'r1') =>
      storage.append({
        ...event('workflow:r1', epoch, 1),
        documents: [{ kind: 'workflow', id: 'r1', value: { token } }],
        fence: { runId, token },
      });
    expect(await write(stale.token)).toEqual({ kind: 'fenced' });
    expect(await write(1, 'never-leased')).toEqual({ kind: 'fenced' });
    expect(await storage.readEvents('workflow:r1', 0, 10)).toEqual([]);
    expect(await storage.loadDocument('workflow', 'r1')).toBeNull();
    expect(await write(current.token)).toEqual({ kind: 'ok' });
    expect(await storage.loadDocument('workflow', 'r1')).toEqual({ token: 2 });
  });

  it('WL4 lapsed leases are listed longest lapsed first, up to the limit; a released lease is gone', async () => {
    const storage = await subject.create();
    await storage.acquireLease('late', 'node-a', 300, 0);
    await storage.acquireLease('early', 'node-a', 100, 0);
    await storage.acquireLease('live', 'node-a', 5000, 0);
    const ended = await storage.acquireLease('ended', 'node-a', 200, 0);
    expect(await storage.lapsedLeases(1000, 10)).toEqual(['early', 'ended', 'late']);
    expect(await storage.lapsedLeases(1000, 1)).toEqual(['early']);
    await storage.releaseLease('ended', (ended?.token ?? 0) + 1);
    expect(await storage.lapsedLeases(1000, 10)).toContain('ended');
    await storage.releaseLease('ended', ended?.token ?? 0);
    expect(await storage.lapsedLeases(1000, 10)).toEqual(['early', 'late']);
    expect(await storage.acquireLease('ended', 'node-b', 100, 1000)).toMatchObject({ token: 1 });
  });
  it('WL4 W4 a handed-over lease lapses at once and the handover is counted, so the next taking is no resume; a stale token hands nothing over', async () => {
    const storage = await subject.create();
    const first = await storage.acquireLease('r1', 'node-a', 60_000, 0);
    await storage.handOverLease('r1', (first?.token ?? 0) + 1);
    expect(await storage.lapsedLeases(1, 10)).toEqual([]);
    await storage.handOverLease('r1', first?.token ?? 0);
    expect(await storage.lapsedLeases(1, 10)).toEqual(['r1']);
    expect(await storage.acquireLease('r1', 'node-b', 60_000, 1)).toMatchObject({
      token: 2,
      handovers: 1,
    });
  });
  it('WL2 WL4 a renewal of a lease its owner handed over renews nothing: the lease stays lapsed', async () => {
    const storage = await subject.create();
    const lease = await storage.acquireLease('r1', 'node-a', 60_000, 0);
    if (!lease) throw new Error('not acquired');
    await storage.handOverLease('r1', lease.token);
    expect(await storage.renewLease(lease, 60_000, 1)).toBeNull();
    expect(await storage.lapsedLeases(1, 10)).toEqual(['r1']);
  });
});
