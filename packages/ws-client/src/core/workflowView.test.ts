import type { ServerMessage } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { EMPTY_WORKFLOW, reduceWorkflow, type WorkflowView } from './workflowView.js';

type Message = ServerMessage<'workflow'>;
const snapshot = (seq: number, extra: object = {}, epoch = 'e1') =>
  ({
    type: 'snapshot',
    seq,
    epoch,
    data: { workflow_id: 'w1', workflow: null },
    ...extra,
  }) as Message;
const event = (seq: number, epoch = 'e1') =>
  ({
    type: 'stage.progress',
    seq,
    epoch,
    data: { workflow_id: 'w1', at: seq, stage: 'script', progress: seq },
  }) as Message;
const reduce = (messages: Message[], from: WorkflowView = EMPTY_WORKFLOW) =>
  messages.reduce(reduceWorkflow, from);
const seqs = (view: WorkflowView) => view.events.map((e) => e.seq);

describe('reduceWorkflow', () => {
  it('R9 lists each event once, in seq order, after the snapshot it continues', () => {
    const view = reduce([snapshot(2), event(3), event(4), event(4), event(3), event(5)]);
    expect(seqs(view)).toEqual([3, 4, 5]);
    expect(view.since).toBe(2);
  });

  it('R4 keeps the list when a later snapshot is exactly where it ended (no gap, no duplicate)', () => {
    const before = reduce([snapshot(0), event(1), event(2)]);
    const after = reduce([snapshot(2), event(3)], before);
    expect(seqs(after)).toEqual([1, 2, 3]);
    expect(after.since).toBe(0);
  });

  it('R2 restarts the list at a snapshot past its end, rather than showing a gap', () => {
    const before = reduce([snapshot(0), event(1)]);
    const after = reduce([snapshot(6), event(7)], before);
    expect(seqs(after)).toEqual([7]);
    expect(after.since).toBe(6);
  });

  it('R5 restarts the list on a new epoch and reports history as lost', () => {
    const before = reduce([snapshot(0), event(1), event(2)]);
    const after = reduce(
      [snapshot(2, { recovered: false, reason: 'epoch_changed' }, 'e2'), event(3, 'e2')],
      before,
    );
    expect(seqs(after)).toEqual([3]);
    expect(after).toMatchObject({ since: 2, recovered: false, reason: 'epoch_changed' });
  });

  it('G3 says the run was deleted when a snapshot finds no run after the view had one (also on the next join), never for an id not started yet, and no more once the id starts again', () => {
    const run = { id: 'w1', status: 'completed' };
    const had = snapshot(7, { data: { workflow_id: 'w1', workflow: run } });
    const gone = reduce([had, snapshot(0, {}, 'e2')]);
    expect(gone).toMatchObject({ workflow: null, deleted: true });
    expect(reduce([snapshot(0, {}, 'e2')], gone).deleted).toBe(true);
    expect(reduce([snapshot(0)]).deleted).toBe(false);
    const created = {
      type: 'workflow.created',
      seq: 1,
      epoch: 'e2',
      data: { workflow_id: 'w1', at: 1, workflow: { ...run, status: 'queued' } },
    } as unknown as Message;
    expect(reduce([created], gone)).toMatchObject({
      workflow: { status: 'queued' },
      deleted: false,
    });
  });

  it('E3 takes any ordered message but snapshot/resumed as an event, and ignores the rest', () => {
    const view = reduce([snapshot(2)]);
    const others = [
      { type: 'resumed', seq: 2, epoch: 'e1', data: { replayed: 0 } },
      { type: 'heartbeat', data: { server_time: 1 } },
      { type: 'ack', data: { op_id: 'o1' } },
    ] as Message[];
    expect(reduce(others, view)).toBe(view);
    const newer = { type: 'stage.retried', seq: 3, epoch: 'e1', data: {} } as unknown as Message;
    const after = reduce([newer], view);
    expect(seqs(after)).toEqual([3]);
    expect(after.workflow).toBe(view.workflow);
  });
});
