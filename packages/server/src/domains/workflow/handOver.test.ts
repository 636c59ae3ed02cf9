import { describe, expect, it, vi } from 'vitest';
import type { Storage } from '../../storage/Storage.js';
import { createFailingStorage, type FailingStorage } from '../../test-utils/failingStorage.js';
import { createLogger } from '../../log/createLogger.js';
import {
  createTestLiveline,
  rawRequest,
  startTestServer,
  tempDataDir,
} from '../../test-utils/index.js';
import { storageWithRuns, waitForStatus } from '../../test-utils/workflows.js';
import { RESUME_LIMIT } from './createTakeover.js';
import type { Stage } from './Stage.js';

const IDEA = 'A kite escapes. It crosses the town. A child catches it at sunset.';
const HOUR_MS = 3_600_000;
const never: Stage = { run: () => new Promise(() => undefined) };

/**
 * `inner` as a database that runs the calls passed to `later` only once the node handed a run over
 * (its stop began): calls still in flight when a stop begins; `delayed` holds their answers.
 */
function answeringAfterHandover(inner: FailingStorage) {
  let handedOver = (): void => undefined;
  const handover = new Promise<void>((resolve) => (handedOver = resolve));
  const delayed: Promise<unknown>[] = [];
  const storage: Storage = {
    ...inner,
    handOverLease: async (...args) => {
      await inner.handOverLease(...args);
      handedOver();
    },
  };
  const later = <T>(call: () => Promise<T>): Promise<T> => {
    const answer = handover.then(call);
    delayed.push(answer);
    return answer;
  };
  return { storage, later, delayed };
}

/** The lease another node gets at once, if the run's lease lapsed. */
const takenByAnother = (storage: Storage, id: string) =>
  storage.acquireLease(id, 'node-b', HOUR_MS, Date.now());

describe('a clean stop hands over every run the node holds', () => {
  it("W4 WL4 a stop during a start's restore hands over the runs the restore takes after the stop began too, so their next taking is no resume", async () => {
    const inner = await storageWithRuns(['one', 'two']);
    const db = answeringAfterHandover(inner);
    let takings = 0;
    // The restore's second taking answers only once the stop handed the first run over.
    const storage: Storage = {
      ...db.storage,
      acquireLease: (...args) =>
        (takings += 1) > 1
          ? db.later(() => inner.acquireLease(...args))
          : inner.acquireLease(...args),
    };
    const liveline = await createTestLiveline({ storage, stages: { script: never } });
    await vi.waitFor(() => expect(db.delayed).toHaveLength(1));

    await liveline.stop();
    await Promise.all(db.delayed);

    for (const id of ['one', 'two'])
      expect(await takenByAnother(inner, id)).toMatchObject({ token: 3, handovers: 2 });
  });

  it('W4 WL4 a run taken over after a clean stop is logged once at info with its stage, and as no resume', async () => {
    const dataDir = tempDataDir();
    const first = await startTestServer({ dataDir, stages: { script: never } });
    await rawRequest(first, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    await waitForStatus(first, 'run', 'running');
    await first.stop();

    const lines: string[] = [];
    const logger = createLogger('info', (line) => lines.push(line));
    const second = await startTestServer({ dataDir, logger, stages: { script: never } });
    const logged = () => lines.map((l) => JSON.parse(l) as { event: string });
    await vi.waitFor(() => expect(logged().some((l) => l.event === 'workflow.resumed')).toBe(true));
    // Stopped, the node logs nothing more: "once" is checked over its whole life.
    await second.stop();
    expect(logged().filter((l) => l.event === 'workflow.resumed')).toEqual([
      expect.objectContaining({
        level: 'info',
        workflow_id: 'run',
        stage: 'script',
        resumes: 0,
        resume_limit: RESUME_LIMIT,
        handovers: 1,
      }),
    ]);
  });

  it('W1 WL4 a start whose taking answers once the node stops is 503 and runs nowhere: its lease is handed over, not held, and the id stays free', async () => {
    const inner = createFailingStorage();
    const db = answeringAfterHandover(inner);
    const storage: Storage = {
      ...db.storage,
      acquireLease: (...args) =>
        args[0] === 'late'
          ? db.later(() => inner.acquireLease(...args))
          : inner.acquireLease(...args),
    };
    const server = await startTestServer({ storage, stages: { script: never } });
    await rawRequest(server, '/api/workflows', { body: { id: 'one', mode: 'idea', input: IDEA } });
    const late = rawRequest(server, '/api/workflows', {
      body: { id: 'late', mode: 'idea', input: IDEA },
    });
    await vi.waitFor(() => expect(db.delayed).toHaveLength(1));

    await server.stop();

    expect((await late).status).toBe(503);
    expect(await inner.loadDocument('workflow', 'late')).toBeNull();
    expect(await takenByAnother(inner, 'late')).toMatchObject({ token: 2, handovers: 1 });
  });

  it('W1 WL4 a start retried on a stopping node for a run it stored already is 409, as on any node, not 503: the client learns that its run exists instead of starting another', async () => {
    const inner = createFailingStorage();
    const db = answeringAfterHandover(inner);
    let retried = false;
    const storage: Storage = {
      ...db.storage,
      loadDocument: (...args) =>
        retried ? db.later(() => inner.loadDocument(...args)) : inner.loadDocument(...args),
    };
    const server = await startTestServer({ storage, stages: { script: never } });
    const body = { id: 'stored', mode: 'idea', input: IDEA };
    expect((await rawRequest(server, '/api/workflows', { body })).status).toBe(201);
    retried = true;
    const retry = rawRequest(server, '/api/workflows', { body });
    await vi.waitFor(() => expect(db.delayed).toHaveLength(1));

    await server.stop();

    expect(await retry).toMatchObject({ status: 409, json: { error: { code: 'conflict' } } });
  });

  it('WL2 WL4 a renewal in flight when the node stops cannot extend the lease it handed over: another node takes the run at once, with no resume counted', async () => {
    const inner = createFailingStorage();
    const db = answeringAfterHandover(inner);
    // The database runs the renewals this node sent last, after its handover (a pool reorders).
    const storage: Storage = {
      ...db.storage,
      renewLease: (...args) => db.later(() => inner.renewLease(...args)),
    };
    // A renewal every second, each extending the lease by 3 s from when it was sent.
    const server = await startTestServer({
      storage,
      workflowLeaseMs: 3_000,
      stages: { script: never },
    });
    await rawRequest(server, '/api/workflows', { body: { id: 'run', mode: 'idea', input: IDEA } });
    await waitForStatus(server, 'run', 'running');
    await vi.waitFor(() => expect(db.delayed.length).toBeGreaterThan(0), { timeout: 5_000 });

    await server.stop();
    await Promise.all(db.delayed);

    expect(await takenByAnother(inner, 'run')).toMatchObject({ token: 2, handovers: 1 });
  });
});
