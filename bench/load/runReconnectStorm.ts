import { epochNow } from '../peers/createClockState.js';
import type { Endpoint, Publisher, ResumingSubscriber } from './Endpoint.js';
import type { LoadJob, StormShard } from './LoadJob.js';
import { openMany, sleep, waitUntil } from './openMany.js';
import type { Phases } from './Phases.js';
import { publishAtRate } from './publishAtRate.js';

/** Publishing continues this long after every client of every shard is back, so resumes are exercised, in ms. */
const AFTER_BACK_MS = 2_000;
/** Deliveries may trail the last publish this long, in ms. */
const DRAIN_MS = 2_000;

/**
 * One shard of N subscribers with their own reconnect/resume; the shard that `publishes` also
 * runs a publisher at M msg/s throughout. The server restarts at `mark`. Reports raw
 * observations; the orchestrator merges the shards (summarizeStorm).
 */
export async function runReconnectStorm(
  endpoint: Endpoint,
  job: Extract<LoadJob, { kind: 'reconnect-storm' }>,
  phases: Phases,
): Promise<StormShard> {
  const received = Array.from({ length: job.clients }, () => new Set<number>());
  const backAt: (number | null)[] = Array.from({ length: job.clients }, () => null);
  let marked = false;
  let opens = 0;
  const subscribers: ResumingSubscriber[] = [];
  await openMany(job.clients, async (i) => {
    let first = true;
    await new Promise<void>((resolve) => {
      const subscriber = endpoint.openResuming({
        onStamp: (stamp) => received[i]?.add(stamp.p),
        onOpen: () => {
          opens += 1;
          if (marked && !first) backAt[i] ??= epochNow();
          first = false;
          resolve();
        },
      });
      subscribers.push(subscriber);
    });
  });
  const publisher: Publisher | null = job.publishes ? endpoint.openResumingPublisher() : null;
  await phases.ready();
  let stopPublishing = false;
  const publishing = publisher
    ? publishAtRate(publisher, job.rate, () => stopPublishing)
    : Promise.resolve(0);
  await phases.mark;
  marked = true;
  await waitUntil(() => backAt.every((t) => t !== null), job.timeoutMs);
  await phases.back();
  await sleep(AFTER_BACK_MS);
  stopPublishing = true;
  const published = await publishing;
  await sleep(DRAIN_MS);
  publisher?.close();
  for (const subscriber of subscribers) subscriber.close();
  return { backAt, received: received.map((set) => [...set]), published, opens };
}
