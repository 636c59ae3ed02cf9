import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SCREENSHOTS, waitAllOpen } from '../support/liveline';
import type { Page } from 'playwright-core';
import type { App } from './appUnderTest';

/** Frames the DAW test watches the playhead for: 2 s at 60 Hz. */
const SMOOTH_FRAMES = 120;

/** Waits until the page's playhead is at `seconds` (within 1 ms). */
const headAtSeconds = (page: Page, seconds: number) =>
  page.waitForFunction((at) => {
    const head = document.querySelector<HTMLElement>('[data-testid="playhead"]');
    return Math.abs(Number(head?.dataset.seconds) - at) < 0.001;
  }, seconds);

/** The readout's bar, and the number of the timeline's bar the playhead stands in. */
const barsShown = (page: Page) =>
  page.evaluate(() => {
    const head = document.querySelector('[data-testid="playhead"]')!.getBoundingClientRect().x;
    // A bar's line may be drawn a pixel off the playhead standing on it.
    const lines = [...document.querySelectorAll('.timeline__bar')].filter(
      (line) => line.getBoundingClientRect().x <= head + 1.5,
    );
    return {
      readout: document
        .querySelector('output[aria-label="Position"]')!
        .textContent.split('.')[0]!
        .trim(),
      bar: lines.at(-1)?.textContent,
    };
  });

/** (5) the DAW's playhead: smooth without React renders, followed by a second tab. */
export function dawPlayheadCases(app: App): void {
  it('(5) DAW: the playhead moves forward smoothly without React renders; a second tab follows a click and a keyboard seek', async () => {
    const { browser, origin } = app();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [pa, pb] = await Promise.all([context.newPage(), context.newPage()]);
    for (const p of [pa, pb]) {
      await p.goto(`${origin}/daw`);
      await waitAllOpen(p);
    }
    await pa.getByRole('button', { name: 'Stop' }).click();
    await pa.getByRole('button', { name: 'Play' }).click();
    await pa.getByText(/Playing at/).waitFor();
    const sample = await pa.evaluate(async (frames) => {
      const head = document.querySelector<HTMLElement>('[data-testid="playhead"]');
      if (!head) throw new Error('no playhead');
      const commits = () => (window as { __livelineCommits?: number }).__livelineCommits ?? 0;
      const before = commits();
      // Read right after the playhead's own frame callback moved it (a mutation is delivered at
      // the microtask checkpoint that follows it), stamped with that frame's time: a reading
      // from a frame callback of the test's own may run before or after the playhead's.
      const points: { t: number; s: number; x: number }[] = [];
      await new Promise<void>((done) => {
        const observer = new MutationObserver(() => {
          points.push({
            t: Number(document.timeline.currentTime),
            s: Number(head.dataset.seconds),
            x: head.getBoundingClientRect().x,
          });
          if (points.length < frames) return;
          observer.disconnect();
          done();
        });
        observer.observe(head, { attributeFilter: ['data-seconds'] });
      });
      return { points, commits: commits() - before };
    }, SMOOTH_FRAMES);
    for (let i = 1; i < sample.points.length; i++) {
      const prev = sample.points[i - 1]!;
      const cur = sample.points[i]!;
      expect(cur.x).toBeGreaterThanOrEqual(prev.x);
      // Rule C2: each frame the playhead advances by the frame's time, corrected toward the clock
      // by at most half a frame, so it never stands still, steps back or jumps, however long the
      // frame took (0.5 ms for the 4 decimals of data-seconds and the frame time's rounding).
      const stepMs = (cur.s - prev.s) * 1000;
      const frameMs = cur.t - prev.t;
      expect(stepMs).toBeGreaterThanOrEqual(frameMs / 2 - 0.5);
      expect(stepMs).toBeLessThanOrEqual(frameMs * 1.5 + 0.5);
    }
    expect(sample.commits).toBeLessThan(10);
    await pb.getByText(/Playing at 120 BPM/).waitFor();

    await pa.getByRole('button', { name: 'Pause' }).click();
    await pb.getByText(/Stopped at/).waitFor();
    const timeline = pa.getByRole('slider', { name: 'Timeline: click to seek' });
    const box = (await timeline.boundingBox())!;
    await pa.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // Waits until the second tab's playhead is strictly between `above` and `below` seconds.
    const headAt = (above: number, below: number) =>
      pb.waitForFunction(
        ([lo, hi]) => {
          const head = document.querySelector<HTMLElement>('[data-testid="playhead"]');
          const seconds = Number(head?.dataset.seconds);
          return seconds > lo && seconds < hi;
        },
        [above, below] as const,
      );
    await headAt(10, 1e9);
    await timeline.press('Home');
    await pa.waitForFunction(
      () => document.querySelector('[role="slider"]')?.getAttribute('aria-valuenow') === '0',
    );
    await timeline.press('PageUp');
    // From the first beat, Page Up moves one bar: 2 s at 120 BPM.
    await headAt(1.999, 2.001);
    await pa.getByLabel('Tempo (BPM)').fill('96');
    await pa.getByLabel('Tempo (BPM)').press('Enter');
    await pb.getByText('Stopped at 96 BPM').waitFor();
    await pa.getByRole('heading', { name: 'DAW' }).click();
    await pa.keyboard.press('Space');
    await pb.getByText('Playing at 96 BPM').waitFor();
    await pa.screenshot({ path: join(SCREENSHOTS, 'daw-playing.png'), fullPage: true });
    await pa.getByRole('button', { name: 'Stop' }).click();
    await context.close();
  });

  it('(5) DAW: past the 16 bars in view the view pages forward with the playhead, so the bar the playhead stands in is the readout’s, seeked there by keyboard or played there', async () => {
    const { browser, origin } = app();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${origin}/daw`);
    await waitAllOpen(page);
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.getByLabel('Tempo (BPM)').fill('120');
    await page.getByLabel('Tempo (BPM)').press('Enter');
    await page.getByText('Stopped at 120 BPM').waitFor();
    // 120 BPM: a beat is 0.5 s, a bar 2 s, the 16 bars in view 32 s.
    const timeline = page.getByRole('slider', { name: 'Timeline: click to seek' });
    await timeline.press('End');
    await headAtSeconds(page, 31.5);
    for (const seconds of [32, 34, 36, 38, 40]) {
      await timeline.press('PageUp');
      await headAtSeconds(page, seconds);
    }
    await timeline.press('ArrowRight');
    await headAtSeconds(page, 40.5);
    expect(await barsShown(page)).toEqual({ readout: '21', bar: '21' });

    await timeline.press('Home');
    await headAtSeconds(page, 0);
    await timeline.press('End');
    await headAtSeconds(page, 31.5);
    await page.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(
      () =>
        Number(document.querySelector<HTMLElement>('[data-testid="playhead"]')?.dataset.seconds) >
        32.5,
    );
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByText('Stopped at 120 BPM').waitFor();
    expect(await barsShown(page)).toEqual({ readout: '17', bar: '17' });
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.close();
  });
}
