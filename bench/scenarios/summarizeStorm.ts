import type { LoadResult, StormShard } from '../load/LoadJob.js';

/** Reconnect rates are counted in buckets this wide and reported per second, in ms. */
const RATE_BUCKET_MS = 100;
/** A second bucket width: stalls of a few hundred ms show at 100 ms, a herd shows at both. */
const WIDE_BUCKET_MS = 1000;

/** The busiest bucket of `width` ms against the mean rate from the first return to the last. */
const peakToMean = (back: readonly number[], width: number): { peak: number; mean: number } => {
  const buckets = new Map<number, number>();
  for (const t of back) {
    const bucket = Math.floor(t / width);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + 1);
  }
  const spanSeconds = Math.max(width, Math.max(...back) - Math.min(...back)) / 1000;
  return {
    peak: (Math.max(0, ...buckets.values()) * 1000) / width,
    mean: back.length / spanSeconds,
  };
};

/**
 * Merges the shards of one reconnect storm. Times are from `markedAt` (epoch ms), when the
 * orchestrator began the restart. Lost counts, per client, every publish counter that reached any
 * client of any shard, from that client's first one on, that it never received. `handshakes` are
 * the kernel's arrival times of TCP connections since the restart (recordHandshakes): the rate at
 * which reconnects reached the server, before its event loop took them.
 */
export function summarizeStorm(
  shards: readonly StormShard[],
  markedAt: number,
  handshakes: readonly number[],
): LoadResult {
  const backAt = shards.flatMap((s) => s.backAt);
  const received = shards.flatMap((s) => s.received.map((list) => new Set(list)));
  const delivered = new Set(received.flatMap((set) => [...set]));
  let lost = 0;
  for (const set of received) {
    const first = Math.min(...set);
    for (const p of delivered) if (p >= first && !set.has(p)) lost += 1;
  }
  const back = backAt.flatMap((t) => (t === null ? [] : [t - markedAt]));
  const { peak, mean } = peakToMean(back, RATE_BUCKET_MS);
  const wide = peakToMean(back, WIDE_BUCKET_MS);
  // A client's handshake precedes its return; later ones are not the storm's.
  const arrived = handshakes.map((t) => t - markedAt).filter((t) => t <= Math.max(...back));
  const arrivals = peakToMean(arrived, RATE_BUCKET_MS);
  return {
    allBack: back.length === backAt.length ? 1 : 0,
    back: back.length,
    allBackMs: back.length ? Math.max(...back) : Number.NaN,
    peakPerSecond: peak,
    meanPerSecond: mean,
    peakToMean: peak / mean,
    peakToMeanWide: wide.peak / wide.mean,
    handshakesPeakToMean: arrivals.peak / arrivals.mean,
    firstBackMs: back.length ? Math.min(...back) : Number.NaN,
    published: shards.reduce((sum, s) => sum + s.published, 0),
    lost,
    opens: shards.reduce((sum, s) => sum + s.opens, 0),
  };
}
