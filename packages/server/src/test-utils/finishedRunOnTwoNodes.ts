import { createTestClock } from './createTestClock.js';
import { rawRequest, startTestServer } from './index.js';
import { waitForStatus } from './workflows.js';

const HOUR_MS = 3_600_000;

/**
 * Nodes A and B of `cluster` on one test clock, with an hour's run retention: A prunes every 5 ms,
 * B never (what B learns of a deletion comes from A). Run `id` is started on A and has completed;
 * skipping the clock 2 hours makes A's retention delete it.
 */
export async function finishedRunOnTwoNodes(
  cluster: { databaseUrl: string; redisUrl: string },
  id: string,
) {
  const clock = createTestClock();
  const node = (nodeId: string, pruneIntervalMs: number) =>
    startTestServer({
      ...cluster,
      nodeId,
      now: clock.now,
      runRetentionMs: HOUR_MS,
      pruneIntervalMs,
    });
  const a = await node('node-a', 5);
  const b = await node('node-b', 24 * HOUR_MS);
  const body = { id, mode: 'idea', input: 'A robot learns to paint. It paints the sea.' };
  await rawRequest(a, '/api/workflows', { body });
  await waitForStatus(a, id, 'completed');
  return { a, b, expire: () => clock.skip(2 * HOUR_MS) };
}
