import type { LoadResult, StormShard } from '../load/LoadJob.js';

/** Reconnect rates are counted in buckets this wide and reported per second, in ms. */
const RATE_BUCKET_MS = 100;

/**
 * Merges the shards of one reconnect storm. Times are from `markedAt` (epoch ms), when the
 * orchestrator began the restart. Peak/mean is the busiest bucket against the mean rate from the
 * first return to the last. Lost counts, per client, every publish counter that reached any
 * client of any shard, from that client's first one on, that it never received.
 */
export function summarizeStorm(shards: readonly StormShard[], markedAt: number): LoadResult {
  const backAt = shards.flatMap((s) => s.backAt);
  const received = shards.flatMap((s) => s.received.map((list) => new Set(list)));
  const delivered = new Set(received.flatMap((set) => [...set]));
  let lost = 0;
  for (const set of received) {
    const first = Math.min(...set);
    for (const p of delivered) if (p >= first && !set.has(p)) lost += 1;
  }
  const back = backAt.flatMap((t) => (t === null ? [] : [t - markedAt]));
  const buckets = new Map<number, number>();
  for (const t of back) {
    const bucket = Math.floor(t / RATE_BUCKET_MS);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  const spanSeconds = Math.max(RATE_BUCKET_MS, Math.max(...back) - Math.min(...back)) / 1000;
  const peak = (Math.max(0, ...buckets.values()) * 1000) / RATE_BUCKET_MS;
  const mean = back.length / spanSeconds;
  return {
    allBack: back.length === backAt.length ? 1 : 0,
    back: back.length,
    allBackMs: back.length ? Math.max(...back) : Number.NaN,
    peakPerSecond: peak,
    meanPerSecond: mean,
    peakToMean: peak / mean,
    firstBackMs: back.length ? Math.min(...back) : Number.NaN,
    published: shards.reduce((sum, s) => sum + s.published, 0),
    lost,
    opens: shards.reduce((sum, s) => sum + s.opens, 0),
  };
}
