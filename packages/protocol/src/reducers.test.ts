import { describe, expect, it } from 'vitest';
import { applyBoardEvent } from './boardReducer.js';
import type { Board, BoardEvent } from './board.js';
import { applyWorkflowEvent } from './workflowReducer.js';
import type { StageName, Workflow, WorkflowEvent } from './workflow.js';
import { PIPELINE } from './workflow.js';

const ev = <E extends { type: string; data: unknown }>(type: E['type'], data: E['data'], seq = 1) =>
  ({ type, data, seq, epoch: 'e' }) as unknown as E;

const board = (): Board => ({
  board_id: 'b',
  columns: [
    { id: 'todo', title: 'To do', card_ids: ['a', 'b'] },
    { id: 'done', title: 'Done', card_ids: [] },
  ],
  cards: [
    { id: 'a', column_id: 'todo', title: 'A', description: '', assignee: null, updated_at: 0 },
    { id: 'b', column_id: 'todo', title: 'B', description: '', assignee: null, updated_at: 0 },
  ],
});

describe('board reducer', () => {
  it('B1 moves a card between columns at an index, clamped to the column', () => {
    const moved = applyBoardEvent(
      board(),
      ev<BoardEvent>('card.moved', {
        op_id: 'o',
        card_id: 'a',
        column_id: 'done',
        index: 9,
        at: 5,
      }),
    );
    expect(moved.columns.map((c) => c.card_ids)).toEqual([['b'], ['a']]);
    expect(moved.cards.find((c) => c.id === 'a')?.column_id).toBe('done');
  });

  it('B1 converges: the same events in the same order give the same board', () => {
    const events = [
      ev<BoardEvent>('card.moved', {
        op_id: 'x',
        card_id: 'a',
        column_id: 'done',
        index: 0,
        at: 1,
      }),
      ev<BoardEvent>('card.moved', {
        op_id: 'y',
        card_id: 'b',
        column_id: 'done',
        index: 0,
        at: 2,
      }),
    ];
    const one = events.reduce(applyBoardEvent, board());
    const two = events.reduce(applyBoardEvent, board());
    expect(one).toEqual(two);
    expect(one.columns[1]?.card_ids).toEqual(['b', 'a']);
  });

  it('B1 creates, updates and deletes cards and columns', () => {
    let b = applyBoardEvent(
      board(),
      ev<BoardEvent>('card.created', {
        op_id: 'o',
        index: 0,
        card: {
          id: 'c',
          column_id: 'done',
          title: 'C',
          description: '',
          assignee: null,
          updated_at: 1,
        },
      }),
    );
    b = applyBoardEvent(
      b,
      ev<BoardEvent>('card.updated', { op_id: 'o2', card: { ...b.cards[2]!, title: 'C2' } }),
    );
    b = applyBoardEvent(b, ev<BoardEvent>('card.deleted', { op_id: 'o3', card_id: 'a' }));
    b = applyBoardEvent(
      b,
      ev<BoardEvent>('column.created', {
        op_id: 'o4',
        index: 1,
        column: { id: 'mid', title: 'Mid', card_ids: [] },
      }),
    );
    b = applyBoardEvent(
      b,
      ev<BoardEvent>('column.updated', { op_id: 'o5', column_id: 'mid', title: 'Middle' }),
    );
    expect(b.columns.map((c) => [c.id, c.title, c.card_ids])).toEqual([
      ['todo', 'To do', ['b']],
      ['mid', 'Middle', []],
      ['done', 'Done', ['c']],
    ]);
    b = applyBoardEvent(b, ev<BoardEvent>('column.deleted', { op_id: 'o6', column_id: 'done' }));
    expect(b.cards.map((c) => c.title)).toEqual(['B']);
  });

  it('E3 leaves the board as it is on an event type it does not know', () => {
    const before = board();
    // A client that checks only the envelope can deliver a type from a newer server.
    const newer = { type: 'card.archived', seq: 9, epoch: 'e', data: {} } as unknown as BoardEvent;
    expect(applyBoardEvent(before, newer)).toBe(before);
  });
});

const workflow = (): Workflow => ({
  id: 'w',
  mode: 'script',
  title: 'T',
  input: 'INT. LAB - NIGHT',
  status: 'queued',
  queue_position: 2,
  error: null,
  created_at: 0,
  updated_at: 0,
  stages: PIPELINE.map(({ stage, agent }) => ({
    stage,
    agent,
    status: stage === 'script' ? 'skipped' : 'waiting',
    progress: 0,
    started_at: null,
    completed_at: null,
    artifact: null,
  })),
});

/** `stage` reports 50 % at `at`. */
const halfway = (stage: StageName, at: number) =>
  ev<WorkflowEvent>('stage.progress', { workflow_id: 'w', stage, progress: 50, at });

/** A run that started and completed its storyboard stage, at times 1–4. */
const storyboardDone = [
  ev<WorkflowEvent>('workflow.started', { workflow_id: 'w', at: 1 }),
  ev<WorkflowEvent>('stage.started', { workflow_id: 'w', stage: 'storyboard', at: 2 }),
  halfway('storyboard', 3),
  ev<WorkflowEvent>('stage.completed', {
    workflow_id: 'w',
    stage: 'storyboard',
    at: 4,
    artifact: { kind: 'storyboard', panels: [{ scene: 1, panel: 1, description: 'Lab' }] },
  }),
];

describe('workflow reducer', () => {
  it('W3 follows a run from start through a completed stage to the end', () => {
    const events = [
      ...storyboardDone,
      ev<WorkflowEvent>('workflow.completed', { workflow_id: 'w', at: 5 }),
    ];
    const done = events.reduce<Workflow | null>(applyWorkflowEvent, workflow());
    expect(done?.status).toBe('completed');
    expect(done?.queue_position).toBeNull();
    expect(done?.stages[1]).toMatchObject({ status: 'completed', progress: 100, completed_at: 4 });
    expect(done?.stages[1]?.artifact?.kind).toBe('storyboard');
  });

  it('W3 a stage still waiting when its run completes never ran, and ends skipped, as a stage without a worker is at creation', () => {
    const done = [
      ...storyboardDone,
      ev<WorkflowEvent>('workflow.completed', { workflow_id: 'w', at: 5 }),
    ].reduce<Workflow | null>(applyWorkflowEvent, workflow());
    expect(done?.stages.map((s) => [s.status, s.artifact?.kind ?? null])).toEqual([
      ['skipped', null],
      ['completed', 'storyboard'],
      ['skipped', null],
      ['skipped', null],
      ['skipped', null],
      ['skipped', null],
    ]);
  });

  it('W4 a resumed run keeps its completed stages and status; the stage that was running waits to start again', () => {
    const before = [
      ...storyboardDone,
      ev<WorkflowEvent>('stage.started', { workflow_id: 'w', stage: 'shots', at: 5 }),
      halfway('shots', 6),
    ].reduce<Workflow | null>(applyWorkflowEvent, workflow());
    const resumed = applyWorkflowEvent(
      before,
      ev<WorkflowEvent>('workflow.resumed', { workflow_id: 'w', stage: 'shots', at: 9 }),
    );
    expect(resumed?.status).toBe('running');
    expect(resumed?.updated_at).toBe(9);
    expect(resumed?.stages[1]).toEqual(before?.stages[1]);
    expect(resumed?.stages[2]).toMatchObject({ status: 'waiting', progress: 0, started_at: null });
  });

  it('W3 marks the failing stage and cancels the rest on failure', () => {
    const failed = applyWorkflowEvent(
      applyWorkflowEvent(
        workflow(),
        ev<WorkflowEvent>('stage.started', { workflow_id: 'w', stage: 'shots', at: 1 }),
      ),
      ev<WorkflowEvent>('workflow.failed', {
        workflow_id: 'w',
        stage: 'shots',
        reason: 'no scenes',
        at: 2,
      }),
    );
    expect(failed?.status).toBe('failed');
    expect(failed?.error).toBe('no scenes');
    expect(failed?.stages.map((s) => s.status)).toEqual([
      'skipped',
      'cancelled',
      'failed',
      'cancelled',
      'cancelled',
      'cancelled',
    ]);
  });

  it('W2 creates the workflow a pending listener was waiting for', () => {
    const created = applyWorkflowEvent(
      null,
      ev<WorkflowEvent>('workflow.created', { workflow_id: 'w', workflow: workflow() }),
    );
    expect(created?.id).toBe('w');
    expect(
      applyWorkflowEvent(null, ev<WorkflowEvent>('workflow.started', { workflow_id: 'w', at: 1 })),
    ).toBeNull();
  });

  it('E3 leaves the workflow as it is on an event type it does not know', () => {
    const before = workflow();
    const newer = {
      type: 'stage.retried',
      seq: 9,
      epoch: 'e',
      data: {},
    } as unknown as WorkflowEvent;
    expect(applyWorkflowEvent(before, newer)).toBe(before);
  });
});
