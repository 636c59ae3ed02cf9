import type { Endpoint, ResumingSubscriber } from './Endpoint.js';
import type { LoadJob, LoadResult } from './LoadJob.js';
import { openMany, sleep, waitUntil } from './openMany.js';
import type { Phases } from './Phases.js';
import { publishAtRate } from './publishAtRate.js';

/** Publishing continues this long after every client is back, so resumes are exercised, in ms. */
const AFTER_BACK_MS = 2_000;
/** Reconnect rates are counted in buckets this wide and reported per second, in ms. */
const RATE_BUCKET_MS = 100;
/** Deliveries may trail the last publish this long, in ms. */
const DRAIN_MS = 2_000;

/**
 * N subscribers with their own reconnect/resume, a publisher at M msg/s throughout; the server
 * restarts at `mark`. Lost counts, per client, every publish counter the server delivered to
 * anyone from that client's first one on that the client never received.
 */
export async function runReconnectStorm(
  endpoint: Endpoint,
  job: Extract<LoadJob, { kind: 'reconnect-storm' }>,
  phases: Phases,
): Promise<LoadResult> {
  const received = Array.from({ length: job.clients }, () => new Set<number>());
  const reopenedAt: (number | null)[] = Array.from({ length: job.clients }, () => null);
  let markedAt: number | null = null;
  let opens = 0;
  const subscribers: ResumingSubscriber[] = [];
  await openMany(job.clients, async (i) => {
    let first = true;
    await new Promise<void>((resolve) => {
      const subscriber = endpoint.openResuming({
        onStamp: (stamp) => received[i]?.add(stamp.p),
        onOpen: () => {
          opens += 1;
          if (markedAt !== null && !first) reopenedAt[i] ??= performance.now();
          first = false;
          resolve();
        },
      });
      subscribers.push(subscriber);
    });
  });
  const publisher = endpoint.openResumingPublisher();
  await phases.ready();
  let stopPublishing = false;
  const publishing = publishAtRate(publisher, job.rate, () => stopPublishing);
  await phases.mark;
  markedAt = performance.now();
  const allBack = await waitUntil(() => reopenedAt.every((t) => t !== null), job.timeoutMs);
  await sleep(AFTER_BACK_MS);
  stopPublishing = true;
  const published = await publishing;
  await sleep(DRAIN_MS);
  publisher.close();
  for (const subscriber of subscribers) subscriber.close();

  const delivered = new Set(received.flatMap((set) => [...set]));
  let lost = 0;
  for (const set of received) {
    const first = Math.min(...set);
    for (const p of delivered) if (p >= first && !set.has(p)) lost += 1;
  }
  const back = reopenedAt.flatMap((t) => (t === null ? [] : [t - (markedAt ?? 0)]));
  const buckets = new Map<number, number>();
  for (const t of back)
    buckets.set(
      Math.floor(t / RATE_BUCKET_MS),
      (buckets.get(Math.floor(t / RATE_BUCKET_MS)) ?? 0) + 1,
    );
  const spanSeconds = Math.max(RATE_BUCKET_MS, Math.max(...back) - Math.min(...back)) / 1000;
  const peak = (Math.max(0, ...buckets.values()) * 1000) / RATE_BUCKET_MS;
  return {
    allBack: allBack ? 1 : 0,
    back: back.length,
    allBackMs: back.length ? Math.max(...back) : Number.NaN,
    peakPerSecond: peak,
    meanPerSecond: back.length / spanSeconds,
    peakToMean: peak / (back.length / spanSeconds),
    firstBackMs: back.length ? Math.min(...back) : Number.NaN,
    published,
    lost,
    opens,
  };
}
