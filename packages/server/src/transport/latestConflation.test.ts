import { describe, expect, it } from 'vitest';
import { startTestServer } from '../test-utils/index.js';
import { runSlowReader } from '../test-utils/runSlowReader.js';

const PAUSE_S = 4;
const READ_S = 1;
const CLOCK_HZ = 1000;

describe('latest-route conflation with a real slow reader', () => {
  it('L3 a reader that stops reading the clock has stale ticks replaced, not queued, and gets only fresh ticks afterwards', async () => {
    const server = await startTestServer({ clockRateHz: CLOCK_HZ, latestMaxBufferedBytes: 4096 });
    const report = await runSlowReader(server.port, '/ws/transport/clock', PAUSE_S, READ_S);
    const clock = server.stats().routes.clock;
    const produced = (PAUSE_S + READ_S) * CLOCK_HZ;
    const dropped = clock?.messages_dropped ?? 0;
    // The reader is the clock's only client: every tick the server had was sent or dropped. A
    // loaded machine's clock has fewer than `produced` (it resyncs after a stall), so the floor
    // below counts the ticks it had, less at most the read's share.
    const ticks = (clock?.messages_sent ?? 0) + dropped;
    const pauseTicks = ticks - READ_S * CLOCK_HZ * 1.1;
    console.log(
      `[L3] ticks=${ticks} (nominal ${produced}) received=${report.frames} dropped=${dropped}`,
    );
    // Once the few KB in flight were full, stale ticks were replaced, not queued for it: what the
    // server holds for this reader stays at that bound however long it pauses.
    expect(dropped).toBeGreaterThan(pauseTicks * 0.3);
    expect(report.frames + dropped).toBeLessThanOrEqual(produced * 1.1);
    // Once it reads again it is current: the last tick it got is about as old as a tick period.
    expect(report.last_ts).not.toBeNull();
    expect(report.ended_at - (report.last_ts ?? 0)).toBeLessThan(250);
  });
});
