import { WORKFLOW_PAGE_DEFAULT, WORKFLOW_PAGE_MAX } from '@liveline/protocol';
import { describe, expect, it } from 'vitest';
import { newWorkflow } from '../domains/workflow/newWorkflow.js';
import { createLogger } from '../log/createLogger.js';
import { createSqliteStorage } from '../storage/createSqliteStorage.js';
import { rawRequest, startTestServer, tempDataDir } from '../test-utils/index.js';

/**
 * A data directory holding `count` finished runs `r000`, `r001`, …, created two by two in the same
 * millisecond (r000 and r001 at 1000, …), so pages end between runs of equal `created_at`.
 */
async function storedRuns(count: number): Promise<string> {
  const dataDir = tempDataDir();
  const storage = createSqliteStorage(dataDir, createLogger('silent'));
  for (let i = 0; i < count; i += 1) {
    const id = `r${String(i).padStart(3, '0')}`;
    const run = newWorkflow(
      { mode: 'idea', input: `idea ${i}` },
      id,
      1_000 + Math.floor(i / 2),
      {},
    );
    await storage.putDocument({ kind: 'workflow', id, value: { ...run, status: 'completed' } });
  }
  await storage.close();
  return dataDir;
}

interface Page {
  readonly ids: string[];
  readonly next: string | null;
}

const listPage = async (server: { origin: string }, query: string): Promise<Page> => {
  const res = await rawRequest(server, `/api/workflows${query}`);
  expect(res.status).toBe(200);
  const body = res.json as { workflows: { id: string }[]; next_before: string | null };
  return { ids: body.workflows.map((run) => run.id), next: body.next_before };
};

/** Every id, newest first, as the pages order them: created_at descending, then id descending. */
const newestFirst = (count: number): string[] =>
  Array.from({ length: count }, (_, i) => `r${String(count - 1 - i).padStart(3, '0')}`);

describe('GET /api/workflows pages (rule W7)', () => {
  it('W7 without parameters it answers the newest 50 runs and a next_before; following next_before reaches every run once, in order, and the last page says null', async () => {
    const server = await startTestServer({ dataDir: await storedRuns(121) });
    const seen: string[] = [];
    const sizes: number[] = [];
    let query = '';
    for (;;) {
      const page = await listPage(server, query);
      seen.push(...page.ids);
      sizes.push(page.ids.length);
      if (page.next === null) break;
      query = `?before=${encodeURIComponent(page.next)}`;
    }
    expect(sizes).toEqual([WORKFLOW_PAGE_DEFAULT, WORKFLOW_PAGE_DEFAULT, 21]);
    expect(seen).toEqual(newestFirst(121));
  });

  it('W7 limit sets the page size up to 200, and a page that ends at the last run says null', async () => {
    const server = await startTestServer({ dataDir: await storedRuns(203) });
    const most = await listPage(server, `?limit=${WORKFLOW_PAGE_MAX}`);
    expect(most.ids).toEqual(newestFirst(203).slice(0, WORKFLOW_PAGE_MAX));
    const rest = await listPage(server, `?limit=3&before=${encodeURIComponent(most.next ?? '')}`);
    expect(rest).toEqual({ ids: ['r002', 'r001', 'r000'], next: null });
    expect(await listPage(server, '?limit=1')).toMatchObject({ ids: ['r202'] });
  });

  it('W7 a bad limit or before is a 400 JSON error naming the parameter', async () => {
    const server = await startTestServer();
    for (const [query, field] of [
      ['limit=0', 'limit'],
      [`limit=${WORKFLOW_PAGE_MAX + 1}`, 'limit'],
      ['limit=ten', 'limit'],
      ['limit=2.5', 'limit'],
      ['limit=', 'limit'],
      ['before=', 'before'],
      ['before=yesterday', 'before'],
      ['before=12%3Abad%20id', 'before'],
      ['before=-5%3Ar001', 'before'],
    ]) {
      const res = await rawRequest(server, `/api/workflows?${query}`);
      expect({ query, status: res.status, json: res.json }).toMatchObject({
        query,
        status: 400,
        json: { error: { code: 'invalid_field', field } },
      });
    }
  });

  it('W7 a run started after the stored ones is the first of the first page', async () => {
    const server = await startTestServer({ dataDir: await storedRuns(3) });
    const started = await rawRequest(server, '/api/workflows', {
      body: { mode: 'idea', input: 'A cat naps.', id: 'live' },
    });
    expect(started.status).toBe(201);
    expect((await listPage(server, '?limit=2')).ids).toEqual(['live', 'r002']);
  });
});
