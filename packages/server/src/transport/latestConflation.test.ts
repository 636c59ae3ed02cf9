import { describe, expect, it } from 'vitest';
import { startTestServer } from '../test-utils/index.js';
import { runSlowReader } from '../test-utils/runSlowReader.js';

const PAUSE_S = 5;
const READ_S = 1;
const CLOCK_HZ = 1000;
/**
 * The end of the pause in which no tick may be queued for the reader. The path to it (about 1400
 * ticks here, see slowReader.py) is full about 2 s into the pause on a busy 2-core machine, and
 * within 4 s at 350 ticks a second, so a tick of the last second that reaches the reader was
 * queued behind a full path.
 */
const LATE_MS = 1000;

describe('latest-route conflation with a real slow reader', () => {
  it('L3 a reader that stops reading the clock has stale ticks replaced, not queued, and gets only fresh ticks afterwards', async () => {
    const server = await startTestServer({ clockRateHz: CLOCK_HZ, latestMaxBufferedBytes: 4096 });
    const report = await runSlowReader(server.port, '/ws/transport/clock', PAUSE_S, READ_S);
    const dropped = server.stats().routes.clock?.messages_dropped ?? 0;
    const stale = report.stamps.filter((t) => t < report.resumed_at);
    const late = stale.filter((t) => t >= report.resumed_at - LATE_MS);
    console.log(
      `[L3] path full ${report.resumed_at - (stale.at(-2) ?? 0)} ms before reading; received=${report.frames} stale=${stale.length} late=${late.length} dropped=${dropped}`,
    );
    // Once the path was full, each tick replaced the one waiting: of the pause's last second only
    // the newest (the one waiting when the reader read again) reaches it.
    expect(late.length).toBeLessThanOrEqual(1);
    expect(dropped).toBeGreaterThan(0);
    // Once it reads again it is current: the last tick it got is about as old as a tick period.
    expect(report.last_ts).not.toBeNull();
    expect(report.ended_at - (report.last_ts ?? 0)).toBeLessThan(250);
  });
});
