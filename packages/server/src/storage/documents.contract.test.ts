import { describe, expect, it } from 'vitest';
import { appendEvents, roomEvent } from '../test-utils/roomEvents.js';
import { storageSubjects } from '../test-utils/storageSubjects.js';

// Documents: stored by kind and id (SEQ3), with the seq of their event (B6), versioned (SEQ4).
describe.each(storageSubjects())('Storage contract: $name', (subject) => {
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
    const epoch = await appendEvents(storage, 'board:a', 2);
    const documents = [{ kind: 'board' as const, id: 'a', value: { cards: [3] } }];
    expect(await storage.append({ ...roomEvent('board:a', epoch, 3), documents })).toEqual({
      kind: 'ok',
    });
    await appendEvents(storage, 'board:a', 2);
    await storage.putDocument({ kind: 'board', id: 'put', value: { cards: [] } });
    await storage.close();
    const again = await subject.reopen(storage);
    expect(await again.loadSequenced('board', 'a')).toEqual({ seq: 3, value: { cards: [3] } });
    expect(await again.loadSequenced('board', 'put')).toEqual({ seq: 0, value: { cards: [] } });
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
});
