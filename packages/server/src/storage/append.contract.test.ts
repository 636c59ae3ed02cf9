import { describe, expect, it } from 'vitest';
import { appendEvents, roomEvent } from '../test-utils/roomEvents.js';
import { storageSubjects } from '../test-utils/storageSubjects.js';

// Heads, appends and event reads: rules SEQ1, SEQ2, SEQ5, R1, R8 and B2 on every storage.
describe.each(storageSubjects())('Storage contract: $name', (subject) => {
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
    for (const claim of [
      roomEvent('board:new', unborn.epoch, 2),
      roomEvent('board:new', 'guessed', 1),
    ])
      expect(await storage.append(claim)).toEqual({ kind: 'conflict', head: unborn });
    expect(await subject.roomRows(storage)).toBe(rows);
    expect(await storage.readEvents('board:new', 0, 10)).toEqual([]);

    expect(await storage.append(roomEvent('board:new', unborn.epoch, 1))).toEqual({ kind: 'ok' });
    expect(await subject.roomRows(storage)).toBe(rows + 1);
    expect(await storage.readHead('board:new')).toEqual({ epoch: unborn.epoch, headSeq: 1 });
    expect(await storage.readHead('board:other')).toEqual(unborn);
  });

  it('R1 a room keeps its epoch, head and events across a reopen', async () => {
    const first = await subject.create();
    const epoch = await appendEvents(first, 'board:a', 2);
    await first.close();
    const again = await subject.reopen(first);
    expect(await again.readHead('board:a')).toEqual({ epoch, headSeq: 2 });
    expect((await again.readEvents('board:a', 0, 10)).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('SEQ1 compare-and-append at head + 1 stores the event, its documents and its op id in one go', async () => {
    const storage = await subject.create();
    const { epoch } = await storage.readHead('board:a');
    const request = roomEvent('board:a', epoch, 1);
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
    const epoch = await appendEvents(storage, 'board:a', 2);
    const writes = { documents: [{ kind: 'board' as const, id: 'a', value: 'x' }], opId: 'o' };
    for (const claim of [
      roomEvent('board:a', epoch, 2),
      roomEvent('board:a', epoch, 4),
      roomEvent('board:a', 'another-epoch', 3),
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
      storage.append(roomEvent('board:a', epoch, 1)),
      storage.append({ ...roomEvent('board:a', epoch, 1), frame: '{"other":true}' }),
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
    await storage.append({ ...roomEvent('board:a', epoch, 1), opId: 'op-1' });
    const again = await storage.append({
      ...roomEvent('board:a', epoch, 2),
      documents: [{ kind: 'board', id: 'a', value: 'second' }],
      opId: 'op-1',
    });
    expect(again).toEqual({ kind: 'duplicate', seq: 1 });
    expect(await storage.readHead('board:a')).toEqual({ epoch, headSeq: 1 });
    expect(await storage.loadDocument('board', 'a')).toBeNull();
    const other = await storage.readHead('board:b');
    expect(await storage.append({ ...roomEvent('board:b', other.epoch, 1), opId: 'op-1' })).toEqual(
      {
        kind: 'ok',
      },
    );
  });

  it('R8 readEvents answers the events after a seq, oldest first, at most the limit', async () => {
    const storage = await subject.create();
    await appendEvents(storage, 'board:a', 5);
    await appendEvents(storage, 'board:b', 1);
    const seqs = async (after: number, limit: number): Promise<number[]> =>
      (await storage.readEvents('board:a', after, limit)).map((e) => e.seq);
    expect(await seqs(0, 10)).toEqual([1, 2, 3, 4, 5]);
    expect(await seqs(2, 2)).toEqual([3, 4]);
    expect(await seqs(4, 10)).toEqual([5]);
    expect(await seqs(5, 10)).toEqual([]);
    expect(await storage.readEvents('board:none', 0, 10)).toEqual([]);
  });
});
