import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { rawRequest, tempDataDir } from '../../test-utils/index.js';
import { spawnBin, spawnServer } from '../../test-utils/spawnServer.js';
import {
  expectResumedInShots,
  getWorkflow,
  isRunEvent,
  recordWorkflow,
  stageCalls,
  waitForStatus,
} from '../../test-utils/workflows.js';
import { RESUME_LIMIT } from './createTakeover.js';

/** The JSON log lines of `event` in a server's output. */
const logLines = (output: string, event: string): Record<string, unknown>[] =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === event);

const IDEA = 'A robot learns to paint. It paints the sea. The sea paints it back.';

describe('workflows resume after a crash', () => {
  it('W4 R4 SIGKILL mid-stage: the run resumes at that stage and completes, completed stages are not run again, a cancelled run stays cancelled, and the client log has no gap or duplicate', async () => {
    const dataDir = tempDataDir();
    const calls = join(dataDir, 'stage-calls');
    const spawn = (port?: number) =>
      spawnServer(dataDir, {
        entry: 'src/test-utils/countingStagesMain.ts',
        env: { STAGE_DURATION_MS: '1000', STAGE_CALLS_FILE: calls },
        ...(port !== undefined && { port }),
      });
    const first = await spawn();
    const log = recordWorkflow(first.origin, 'run');
    await vi.waitFor(() => expect(log.map((m) => m.type)).toEqual(['snapshot']));
    await rawRequest(first, '/api/workflows', { body: { id: 'gone', mode: 'idea', input: IDEA } });
    await rawRequest(first, '/api/workflows/gone/cancel', { method: 'POST' });
    await rawRequest(first, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    const inShots = (m: { type: string; stage?: string }) =>
      m.type === 'stage.progress' && m.stage === 'shots';
    await vi.waitFor(() => expect(log.some(inShots)).toBe(true), { timeout: 15_000 });

    first.process.kill('SIGKILL');
    await first.exited;
    const second = await spawn(first.port);
    await waitForStatus(second, 'run', 'completed', 20_000);
    await vi.waitFor(() => expect(log.at(-1)?.type).toBe('workflow.completed'));

    const events = expectResumedInShots(log, calls, 'run');
    expect(log.filter((m) => !isRunEvent(m)).map((m) => m.type)).toEqual(['snapshot', 'resumed']);
    const started = events.filter((m) => m.type === 'stage.started').map((m) => m.stage);
    expect(started).toEqual(['script', 'storyboard', 'shots', 'shots', 'audio', 'edit']);
    const gone = await rawRequest(second, '/api/workflows/gone');
    expect(gone.json).toMatchObject({ workflow: { status: 'cancelled' } });
  }, 60_000);

  it(`W4 a run whose stage crashes the server is resumed ${RESUME_LIMIT} times, then ends interrupted with the reason, which the server logs once at warn`, async () => {
    const dataDir = tempDataDir();
    const calls = join(dataDir, 'stage-calls');
    const options = {
      entry: 'src/test-utils/countingStagesMain.ts',
      env: { STAGE_DURATION_MS: '20', STAGE_CALLS_FILE: calls, CRASH_STAGE: 'storyboard' },
    };
    const first = await spawnServer(dataDir, options);
    await rawRequest(first, '/api/workflows', {
      body: { id: 'doomed', mode: 'idea', input: IDEA },
    });
    expect(await first.exited).toBeNull();
    for (let resume = 1; resume <= RESUME_LIMIT; resume += 1)
      expect(await spawnBin(dataDir, options).exited).toBeNull();

    const last = await spawnServer(dataDir, options);
    await waitForStatus(last, 'doomed', 'interrupted');
    expect((await getWorkflow(last, 'doomed')).error).toMatch(
      new RegExp(`resumed ${RESUME_LIMIT} times without finishing`),
    );
    expect(stageCalls(calls, 'doomed')).toEqual({ script: 1, storyboard: RESUME_LIMIT + 1 });
    expect(logLines(last.output(), 'workflow.interrupted')).toEqual([
      expect.objectContaining({
        level: 'warn',
        workflow_id: 'doomed',
        stage: 'storyboard',
        reason: expect.stringMatching(`resumed ${RESUME_LIMIT} times without finishing`) as string,
      }),
    ]);
  }, 60_000);
});
