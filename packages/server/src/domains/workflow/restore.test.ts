import { describe, expect, it } from 'vitest';
import { createLogger } from '../../log/createLogger.js';
import { createSqliteStorage } from '../../storage/createSqliteStorage.js';
import type { Storage } from '../../storage/Storage.js';
import { onTestCleanup, rawRequest, startTestServer, tempDataDir } from '../../test-utils/index.js';
import { getWorkflow, waitForStatus } from '../../test-utils/workflows.js';
import type { Stage } from './Stage.js';

const IDEA = 'A kite escapes. It crosses the town. A child catches it at sunset.';

/** The real SQLite storage in `dataDir`, recording the id of every document its reads answer. */
function recordingStorage(dataDir: string): { storage: Storage; read: string[] } {
  const inner = createSqliteStorage(dataDir, createLogger('silent'));
  onTestCleanup(() => inner.close());
  const read: string[] = [];
  const record = <T>(answer: T): T => {
    for (const document of Array.isArray(answer) ? (answer as unknown[]) : [answer])
      if (typeof document === 'object' && document !== null && 'id' in document)
        read.push(String(document.id));
    return answer;
  };
  const storage: Storage = {
    ...inner,
    loadDocument: async (kind, id) => record(await inner.loadDocument(kind, id)),
    loadVersioned: async (kind, id) => {
      const stored = await inner.loadVersioned(kind, id);
      record(stored.value);
      return stored;
    },
    readWorkflowPage: async (before, limit) => {
      const page = await inner.readWorkflowPage(before, limit);
      record(page.map((run) => run.value));
      return page;
    },
    listWorkflows: async (statuses) => record(await inner.listWorkflows(statuses)),
  };
  return { storage, read };
}

describe('a start restores the runs it may resume', () => {
  it('W4 G1 a restart reads, holds and resumes the unfinished run, and reads a finished run only when it is asked for', async () => {
    const dataDir = tempDataDir();
    const never: Stage = { run: () => new Promise(() => undefined) };
    const before = await startTestServer({ dataDir, stages: { script: never } });
    for (const id of ['done', 'open']) {
      const body = { id, mode: 'idea', input: IDEA };
      expect((await rawRequest(before, '/api/workflows', { body })).status).toBe(201);
    }
    const cancel = await rawRequest(before, '/api/workflows/done/cancel', { method: 'POST' });
    expect(cancel.status).toBe(200);
    await before.stop();

    const { storage, read } = recordingStorage(dataDir);
    const after = await startTestServer({ storage });
    expect(new Set(read)).toEqual(new Set(['open']));
    await waitForStatus(after, 'open', 'completed');
    expect(read).not.toContain('done');
    expect((await getWorkflow(after, 'done')).status).toBe('cancelled');
    expect(read).toContain('done');
  });

  it('W4 W6 a run resumed on a node without a worker for its render stage completes with that stage skipped, as a new run there, and its video is 404 "its render stage was skipped"', async () => {
    const dataDir = tempDataDir();
    const never: Stage = { run: () => new Promise(() => undefined) };
    const before = await startTestServer({ dataDir, stages: { script: never, render: never } });
    const body = { id: 'moved', mode: 'idea', input: IDEA };
    expect((await rawRequest(before, '/api/workflows', { body })).status).toBe(201);
    await before.stop();

    const after = await startTestServer({ dataDir });
    await waitForStatus(after, 'moved', 'completed');
    const render = (await getWorkflow(after, 'moved')).stages.find((s) => s.stage === 'render');
    expect(render).toMatchObject({ status: 'skipped', artifact: null });
    const video = await rawRequest(after, '/api/workflows/moved/video');
    expect([video.status, video.json]).toMatchObject([
      404,
      { error: { message: expect.stringContaining('its render stage was skipped') as string } },
    ]);
  });
});
