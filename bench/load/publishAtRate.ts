import type { Publisher } from './Endpoint.js';
import { sleep } from './openMany.js';

/** Tick of the publishing loop, in ms; messages due within a tick go out together. */
const PUBLISH_TICK_MS = 5;

/**
 * Publishes stamped messages at `rate` per second until `stop()` is true, keeping to the schedule
 * (start + n/rate) rather than chaining timers. Their counters follow `after` (a publisher that
 * published before: a counter is an op id, and a repeated op id is answered as a duplicate).
 * Resolves with how many it published.
 */
export async function publishAtRate(
  publisher: Publisher,
  rate: number,
  stop: () => boolean,
  after = 0,
): Promise<number> {
  const start = performance.now();
  let sent = 0;
  while (!stop()) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate);
    for (; sent < due;) {
      sent += 1;
      publisher.publish({ p: after + sent, t: performance.now() });
    }
    await sleep(PUBLISH_TICK_MS);
  }
  return sent;
}
