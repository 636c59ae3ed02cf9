import { PIPELINE, coordinatorServerMessage, parse, type Workflow } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import {
  connectTestClient,
  dataOf,
  rawRequest,
  startTestServer,
  wsOrigin,
} from '../../test-utils/index.js';
import { createFailingStorage } from '../../test-utils/failingStorage.js';
import { createLogger } from '../../log/createLogger.js';
import {
  getWorkflow,
  heldStage,
  reportingStage,
  storedTypes,
  waitForAgent,
  waitForStatus,
} from '../../test-utils/workflows.js';
import type { Storage } from '../../storage/Storage.js';
import { StageFailedError, type Stage } from './Stage.js';

const IDEA =
  'A lighthouse keeper finds a map in a bottle. She sails into the storm, alone. At dawn she finds home.';

describe('Idea2Video pipeline', () => {
  it('W1 a workflow goes from POST to completed with every stage artifact (render off: skipped), streamed in order', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/workflow/w1'));
    expect(await client.next('snapshot')).toMatchObject({
      data: { workflow_id: 'w1', workflow: null },
    });
    const res = await rawRequest(server, '/api/workflows', {
      body: { mode: 'idea', input: IDEA, id: 'w1' },
    });
    expect(res.status).toBe(201);
    await client.next('workflow.completed', 10_000);
    const workflow = await getWorkflow(server, 'w1');
    expect(workflow.stages.map((s) => [s.stage, s.status, s.artifact?.kind])).toEqual([
      ['script', 'completed', 'script'],
      ['storyboard', 'completed', 'storyboard'],
      ['shots', 'completed', 'shots'],
      ['audio', 'completed', 'audio'],
      ['edit', 'completed', 'cut_sheet'],
      ['render', 'skipped', undefined],
    ]);
    const cut = workflow.stages[4]?.artifact;
    expect(cut?.kind === 'cut_sheet' && cut.total_seconds > 0 && cut.entries.length > 0).toBe(true);
    const seqs = client.messages
      .filter((m) => typeof m.seq === 'number' && m.type !== 'snapshot')
      .map((m) => Number(m.seq));
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
  });

  it('W1 Script2Video skips the script stage; bad bodies are 400 naming the field; a taken id is 409', async () => {
    const server = await startTestServer();
    const script =
      'INT. KITCHEN - NIGHT\nAnna pours tea, quietly.\n\nEXT. GARDEN - DAY\nThe cat chases a leaf.';
    expect(
      (
        await rawRequest(server, '/api/workflows', {
          body: { mode: 'script', input: script, id: 's1' },
        })
      ).status,
    ).toBe(201);
    await waitForStatus(server, 's1', 'completed');
    expect((await getWorkflow(server, 's1')).stages[0]?.status).toBe('skipped');
    const bad = await rawRequest(server, '/api/workflows', { body: { mode: 'movie', input: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: { field: 'mode' } });
    expect(
      (await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: 'x', id: 's1' } }))
        .status,
    ).toBe(409);
  });

  it('W1 a run without a title is named after its first eight words, ending in … only when its input has more', async () => {
    const server = await startTestServer();
    const titleOf = async (input: string): Promise<string> => {
      const res = await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input } });
      expect(res.status).toBe(201);
      return (res.json as { workflow: Workflow }).workflow.title;
    };
    expect(await titleOf('  One two three\nfour five six seven eight ')).toBe(
      'One two three four five six seven eight',
    );
    expect(await titleOf(IDEA)).toBe('A lighthouse keeper finds a map in a…');
  });

  it('W1 workflows queue when agents are busy, and all complete', async () => {
    const server = await startTestServer({ stageDurationMs: 40 });
    const ids = ['q1', 'q2', 'q3'];
    for (const id of ids)
      await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: IDEA, id } });
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/q3'));
    const snapshot = await watcher.next('snapshot');
    expect((dataOf(snapshot).workflow as Workflow).queue_position).toBeGreaterThanOrEqual(1);
    for (const id of ids) await waitForStatus(server, id, 'completed');
  });

  it('W3 a queued run is told its new place in line each time the queue moves, before it starts: workflow.queued {position} again', async () => {
    // The screenwriter (one slot) holds the first run until the test lets it go.
    const { stage: script, release } = heldStage('script');
    const server = await startTestServer({ stages: { script } });
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/q3'));
    for (const id of ['q1', 'q2', 'q3'])
      await rawRequest(server, '/api/workflows', { body: { id, mode: 'idea', input: IDEA } });

    release();
    await waitForStatus(server, 'q3', 'completed');
    const types = watcher.messages.map((m) => m.type);
    const beforeStart = watcher.messages.slice(0, types.indexOf('workflow.started'));
    const positions = beforeStart.filter((m) => m.type === 'workflow.queued').map(dataOf);
    expect(positions.map((data) => data.position)).toEqual([2, 1]);
    expect(types.lastIndexOf('workflow.queued')).toBeLessThan(types.indexOf('workflow.started'));
  });

  it("W1 cancel stops a running workflow: the cancelled event, its stage's work ends, its agent is idle with active 0, and a second cancel is 409", async () => {
    const { stage, running, aborted } = reportingStage();
    const server = await startTestServer({ stages: { script: stage } });
    const client = await connectTestClient(wsOrigin(server, '/ws/workflow/c1'));
    await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: IDEA, id: 'c1' } });
    await running;
    const res = await rawRequest(server, '/api/workflows/c1/cancel', { method: 'POST' });
    expect(res.json).toMatchObject({ workflow: { status: 'cancelled' } });
    await client.next('workflow.cancelled');
    await aborted;
    await waitForAgent(server, 'screenwriter', { status: 'idle', active: 0 });
    expect((await rawRequest(server, '/api/workflows/c1/cancel', { method: 'POST' })).status).toBe(
      409,
    );
  });

  it("W3 a run's end is its last stored event: progress the run reported behind a cancel on its owner, in the room's turn, is not stored after workflow.cancelled", async () => {
    const inner = createFailingStorage();
    let cancelling = (): void => undefined;
    const cancelStoring = new Promise<void>((resolve) => (cancelling = resolve));
    let open = (): void => undefined;
    const held = new Promise<void>((resolve) => (open = resolve));
    // The cancel's append waits in the room's turn until the test queued progress behind it.
    const storage: Storage = {
      ...inner,
      append: async (request) => {
        if (request.frame.includes('"workflow.cancelled"')) {
          cancelling();
          await held;
        }
        return inner.append(request);
      },
    };
    const { stage, running } = reportingStage();
    const server = await startTestServer({ storage, stages: { script: stage } });
    await rawRequest(server, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    const report = await running;
    const cancel = rawRequest(server, '/api/workflows/run/cancel', { method: 'POST' });
    await cancelStoring;

    report(50);
    open();
    expect((await cancel).status).toBe(200);
    // A watcher's snapshot is taken in the room's turn, after every append queued before it.
    const watcher = await connectTestClient(wsOrigin(server, '/ws/workflow/run'));
    await watcher.next('snapshot');

    expect((await storedTypes(inner, 'run')).at(-1)).toBe('workflow.cancelled');
  });

  it('W1 a failing stage marks the workflow failed with the stage and reason', async () => {
    const storyboard: Stage = {
      run: () => Promise.reject(new StageFailedError('storyboard', 'the storyboard model is down')),
    };
    const server = await startTestServer({ stages: { storyboard } });
    await rawRequest(server, '/api/workflows', {
      body: { mode: 'idea', input: IDEA, id: 'f1' },
    });
    await waitForStatus(server, 'f1', 'failed');
    const workflow = await getWorkflow(server, 'f1');
    expect(workflow.error).toBe('the storyboard model is down');
    expect(workflow.stages.find((s) => s.stage === 'storyboard')?.status).toBe('failed');
    const agent = await connectTestClient(wsOrigin(server, '/ws/agent/storyboard_artist'));
    expect(dataOf(await agent.next('agent_status'))).toMatchObject({
      status: 'error',
      last_error: 'the storyboard model is down',
    });
  });

  it('W1 a failed run is logged once, at warn, with its id, stage and reason', async () => {
    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    const storyboard: Stage = {
      run: () => Promise.reject(new Error('the storyboard model is down')),
    };
    const server = await startTestServer({ logger, stages: { storyboard } });
    await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: IDEA, id: 'f2' } });
    await waitForStatus(server, 'f2', 'failed');
    const failed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(failed.filter((l) => l.event === 'workflow.failed')).toEqual([
      {
        time: expect.any(String) as string,
        level: 'warn',
        event: 'workflow.failed',
        workflow_id: 'f2',
        stage: 'storyboard',
        reason: 'the storyboard model is down',
      },
    ]);
  });

  it('AG1 /ws/agent/{name} sends its status with exactly the AG1 fields on connect, then on every change: working on a run, idle once done', async () => {
    // The screenwriter's stage waits for the test, so its working status cannot be missed.
    const { stage: script, release } = heldStage('script');
    const server = await startTestServer({ stages: { script } });
    const agent = await connectTestClient(wsOrigin(server, '/ws/agent/screenwriter'));
    const idle = dataOf(await agent.next('agent_status'));
    expect(Object.keys(idle)).toEqual([
      'name',
      'status',
      'workflow_id',
      'stage',
      'completed',
      'capacity',
      'active',
      'last_error',
      'updated_at',
    ]);
    expect(idle).toMatchObject({ name: 'screenwriter', status: 'idle', active: 0, completed: 0 });
    await rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: IDEA, id: 'ag1' } });
    expect(dataOf(await agent.next('agent_status'))).toMatchObject({
      status: 'working',
      workflow_id: 'ag1',
      stage: 'script',
      active: 1,
    });
    release();
    expect(dataOf(await agent.next('agent_status'))).toMatchObject({
      status: 'idle',
      active: 0,
      completed: 1,
    });
  });

  it('W2 /ws/workflow/pending is accepted with a null workflow and streams once a run with that id starts', async () => {
    const server = await startTestServer();
    const client = await connectTestClient(wsOrigin(server, '/ws/workflow/pending'));
    expect(await client.next('snapshot')).toMatchObject({
      seq: 0,
      data: { workflow_id: 'pending', workflow: null },
    });
    await rawRequest(server, '/api/workflows', {
      body: { mode: 'idea', input: IDEA, id: 'pending' },
    });
    expect(dataOf(await client.next('workflow.created')).workflow_id).toBe('pending');
    await client.next('workflow.completed', 10_000);
  });

  it('M1 /ws/coordinator sends metrics once a second by default', async () => {
    const server = await startTestServer();
    const coordinator = await connectTestClient(wsOrigin(server, '/ws/coordinator'));
    // The first is the newest value, made at the last tick; the second is the next tick's.
    const [a, b] = [await coordinator.next('metrics'), await coordinator.next('metrics')];
    const gapMs = Number(dataOf(b).timestamp_ms) - Number(dataOf(a).timestamp_ms);
    // Timer jitter moves a tick by milliseconds: 2 Hz or 0.5 Hz would fall outside.
    expect(gapMs).toBeGreaterThan(750);
    expect(gapMs).toBeLessThan(1250);
  });

  it('M1 /ws/coordinator streams metrics with exactly the M1 fields, counting its own connection; /api/agents lists every pipeline agent', async () => {
    const server = await startTestServer({ metricsRateHz: 50 });
    const coordinator = await connectTestClient(wsOrigin(server, '/ws/coordinator'));
    const first = await coordinator.next('metrics');
    const second = await coordinator.next('metrics');
    expect(parse(coordinatorServerMessage, second)).toMatchObject({ ok: true });
    expect(Object.keys(dataOf(second))).toEqual([
      'workflows',
      'agents',
      'stage_latency_ms',
      'completed_last_minute',
      'connected_clients',
      'timestamp_ms',
    ]);
    expect(dataOf(second).connected_clients).toBeGreaterThanOrEqual(1);
    expect(dataOf(second).timestamp_ms).toBeGreaterThan(dataOf(first).timestamp_ms as number);
    const agents = await rawRequest(server, '/api/agents');
    expect((agents.json?.agents as unknown[]).length).toBe(PIPELINE.length);
  });
});
