import type { WorkflowStatus } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { storeRun } from '../test-utils/pruning.js';
import { roomEvent } from '../test-utils/roomEvents.js';
import { storageSubjects } from '../test-utils/storageSubjects.js';

// What the stored documents count and list: runs by status (CM1, W8, W4) and boards (B5).
describe.each(storageSubjects())('Storage contract: $name', (subject) => {
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
      await storage.append({ ...roomEvent('board:a', a.epoch, 1), documents: board('a') }),
    ).toEqual({ kind: 'ok' });
    expect(
      await storage.append({ ...roomEvent('board:a', a.epoch, 2), documents: board('a') }),
    ).toEqual({ kind: 'ok' });
    const b = await storage.readHead('board:b');
    await storage.append({ ...roomEvent('board:b', b.epoch, 1), documents: board('b') });
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
    const ended = await storage.append({ ...roomEvent('workflow:ended', epoch, 2), documents });
    expect(ended).toEqual({ kind: 'ok' });
    await storage.putDocument({ kind: 'board', id: 'b', value: { id: 'b', status: 'running' } });
    const ids = async (statuses: WorkflowStatus[]) =>
      (await storage.listWorkflows(statuses)).map((run) => (run as { id: string }).id).sort();
    expect(await ids(['queued', 'running'])).toEqual(['queued', 'running']);
    expect(await ids(['failed', 'completed'])).toEqual(['done', 'ended']);
    expect(await ids([])).toEqual([]);
  });
});
