import type { WorkflowCursor } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { storageSubjects } from '../test-utils/storageSubjects.js';
import type { Storage } from './Storage.js';

/** Stores a run with only what the page reads: its id and creation time. */
const storeCreated = (storage: Storage, id: string, createdAt: unknown): Promise<void> =>
  storage.putDocument({ kind: 'workflow', id, value: { id, created_at: createdAt } });

/** The ids of one page and the position of its last run. */
const page = async (storage: Storage, before: WorkflowCursor | null, limit: number) => {
  const runs = await storage.readWorkflowPage(before, limit);
  return { ids: runs.map((run) => run.position.id), last: runs.at(-1)?.position ?? null };
};

describe.each(storageSubjects())('Storage contract (workflow pages): $name', (subject) => {
  it('W7 readWorkflowPage answers runs newest first by created_at then id, at most limit, each with its position and stored value; other kinds and runs without a numeric created_at are not listed', async () => {
    const storage = await subject.create();
    await storeCreated(storage, 'old', 1_000);
    await storeCreated(storage, 'new', 3_000.5);
    await storeCreated(storage, 'mid', 2_000);
    await storeCreated(storage, 'text', 'yesterday');
    await storage.putDocument({ kind: 'workflow', id: 'none', value: { id: 'none' } });
    await storage.putDocument({ kind: 'board', id: 'b', value: { id: 'b', created_at: 9_000 } });

    expect((await page(storage, null, 10)).ids).toEqual(['new', 'mid', 'old']);
    expect(await storage.readWorkflowPage(null, 1)).toEqual([
      { position: { created_at: 3_000.5, id: 'new' }, value: { id: 'new', created_at: 3_000.5 } },
    ]);
    expect(await storage.readWorkflowPage(null, 0)).toEqual([]);
  });

  it('W7 pages continue strictly after the position given, so runs created at the same time are neither repeated nor skipped across page boundaries; a restart pages the same', async () => {
    const storage = await subject.create();
    for (const id of ['a', 'b', 'c', 'd', 'e']) await storeCreated(storage, id, 5_000);
    await storeCreated(storage, 'f', 4_000);
    await storeCreated(storage, 'g', 6_000);

    const seen: string[] = [];
    let before: WorkflowCursor | null = null;
    for (let pages = 0; pages < 10; pages += 1) {
      const next = await page(storage, before, 2);
      seen.push(...next.ids);
      if (next.ids.length < 2) break;
      before = next.last;
    }
    expect(seen).toEqual(['g', 'e', 'd', 'c', 'b', 'a', 'f']);
    expect((await page(storage, { created_at: 5_000, id: 'c' }, 10)).ids).toEqual(['b', 'a', 'f']);
    expect((await page(storage, { created_at: 1_000, id: 'z' }, 10)).ids).toEqual([]);
    await storage.close();
    const again = await subject.reopen(storage);
    expect((await page(again, { created_at: 6_000, id: 'g' }, 3)).ids).toEqual(['e', 'd', 'c']);
  });
});
