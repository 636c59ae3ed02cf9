import { describe, expect, it } from 'vitest';
import type { LogFields } from '../../log/createLogger.js';
import { rawRequest, startTestServer, tempDataDir } from '../../test-utils/index.js';
import { heldStage, waitForStatus } from '../../test-utils/workflows.js';
import { UNFINISHED_RUNS_RETRY_AFTER_S } from './createUnfinishedRunCap.js';

const IDEA = 'A lighthouse keeper finds a map in a bottle. She sails into the storm, alone.';

const startRun = (server: { origin: string }, id: string) =>
  rawRequest(server, '/api/workflows', { body: { mode: 'idea', input: IDEA, id } });

/** The statuses of starting a run of each id in turn. */
const statusesOf = async (server: { origin: string }, ids: readonly string[]) => {
  const statuses: number[] = [];
  for (const id of ids) statuses.push((await startRun(server, id)).status);
  return statuses;
};

describe('the cap on unfinished runs', () => {
  it('W8 past maxUnfinishedRuns a new run is refused 503 limit_exceeded naming the cap, with Retry-After, logged once, storing nothing; a start is admitted again once a run ends', async () => {
    const warnings: { event: string; fields: LogFields }[] = [];
    const ignore = (): void => undefined;
    const logger = {
      debug: ignore,
      info: ignore,
      error: ignore,
      warn: (event: string, fields: LogFields = {}) => warnings.push({ event, fields }),
    };
    const { stage: script, release } = heldStage('script');
    const server = await startTestServer({ maxUnfinishedRuns: 2, stages: { script }, logger });
    expect(await statusesOf(server, ['a', 'b'])).toEqual([201, 201]);

    const refused = await startRun(server, 'c');
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe(String(UNFINISHED_RUNS_RETRY_AFTER_S));
    expect(refused.json).toEqual({
      error: {
        code: 'limit_exceeded',
        message: `the server already has 2 unfinished runs (queued or running), the most it keeps is 2 (MAX_UNFINISHED_RUNS); retry in ${UNFINISHED_RUNS_RETRY_AFTER_S} s`,
        field: null,
      },
    });
    expect(await statusesOf(server, ['d'])).toEqual([503]);
    expect(warnings.filter((w) => w.event === 'workflow.runs_capped')).toEqual([
      { event: 'workflow.runs_capped', fields: { unfinished: 2, max: 2 } },
    ]);
    expect((await rawRequest(server, '/api/workflows/c')).status).toBe(404);

    release();
    await waitForStatus(server, 'a', 'completed');
    await waitForStatus(server, 'b', 'completed');
    expect(await statusesOf(server, ['c'])).toEqual([201]);
  });

  it('W8 W1 at the cap a start of an id already stored gets 409 conflict at once, without Retry-After, while a new id is still refused 503', async () => {
    const { stage: script } = heldStage('script');
    const server = await startTestServer({ maxUnfinishedRuns: 1, stages: { script } });
    expect(await statusesOf(server, ['a'])).toEqual([201]);

    const again = await startRun(server, 'a');
    expect(again.status).toBe(409);
    expect(again.headers['retry-after']).toBeUndefined();
    expect(again.json).toEqual({
      error: { code: 'conflict', message: 'workflow "a" already exists', field: 'id' },
    });
    expect(await statusesOf(server, ['b'])).toEqual([503]);
  });

  it('W8 a restart counts the unfinished runs storage holds, and the runs it resumes are never refused, even past a lowered cap', async () => {
    const dataDir = tempDataDir();
    const held = heldStage('script');
    const server = await startTestServer({
      dataDir,
      maxUnfinishedRuns: 2,
      stages: { script: held.stage },
    });
    expect(await statusesOf(server, ['a', 'b'])).toEqual([201, 201]);
    await waitForStatus(server, 'a', 'running');
    await server.stop();

    const { stage: script, release } = heldStage('script');
    const again = await startTestServer({ dataDir, maxUnfinishedRuns: 1, stages: { script } });
    expect(await statusesOf(again, ['c'])).toEqual([503]);
    release();
    await waitForStatus(again, 'a', 'completed');
    await waitForStatus(again, 'b', 'completed');
    expect(await statusesOf(again, ['c'])).toEqual([201]);
  });
});
