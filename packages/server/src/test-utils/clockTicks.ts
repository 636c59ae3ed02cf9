import type { TestClient } from './index.js';

/**
 * The timestamps of the clock ticks `client` got that the server stamped in (`fromMs`, `toMs`]
 * (its `timestamp_ms`, the wall clock this process shares). It first waits for a later tick: a
 * socket keeps order, so by then the client has every tick of the window.
 */
export async function ticksBetween(
  client: TestClient,
  fromMs: number,
  toMs: number,
  timeoutMs = 10_000,
): Promise<number[]> {
  await client.next((m) => Number(m.timestamp_ms) > toMs, timeoutMs);
  return client.messages
    .map((m) => Number(m.timestamp_ms))
    .filter((at) => at > fromMs && at <= toMs);
}

/**
 * Ticks a second between the first and the last of `ticks`. Not over the whole window: ticks a
 * stalled clock owes are stamped when it catches up, which may fall after the window's end.
 */
export const tickRate = (ticks: readonly number[]): number =>
  (ticks.length - 1) / ((Number(ticks.at(-1)) - Number(ticks[0])) / 1000);
