import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SCREENSHOTS, sideOverflow, waitAllOpen } from '../support/liveline';
import type { App } from './appUnderTest';

/** (2) an Idea2Video run from start to its played video. */
export function idea2videoRunCases(app: App): void {
  it('(2) an Idea2Video run goes from start to completed with every artifact on screen, one progress bar per stage, and its video plays as long as the cut sheet; a long unbroken title wraps on a 375 px screen', async () => {
    const { browser, origin } = app();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${origin}/idea2video`);
    await waitAllOpen(page);
    await page
      .getByLabel('Title (optional)')
      .fill('Lighthouse_keeper_finds_a_message_in_a_bottle_from_her_future_self');
    await page
      .getByLabel('Idea', { exact: true })
      .fill('A lighthouse keeper finds a message in a bottle from her future self.');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\?run=run-/);
    const run = page.getByRole('region', { name: 'Run' });
    await run.and(page.locator('[data-status="completed"]')).waitFor({ timeout: 60_000 });
    for (const label of ['Scenes', 'Storyboard', 'Shots', 'Audio cues', 'Cut sheet', 'Video'])
      await expect(run.getByLabel(label, { exact: true }).count()).resolves.toBe(1);
    const id = new URL(page.url()).searchParams.get('run') ?? '';
    const cut = (await (await fetch(`${origin}/api/workflows/${id}`)).json()) as {
      workflow: { stages: { artifact: { kind: string; total_seconds?: number } | null }[] };
    };
    const total = cut.workflow.stages.find((s) => s.artifact?.kind === 'cut_sheet')?.artifact
      ?.total_seconds;
    const video = run.locator('video');
    await expect(
      run.getByRole('link', { name: 'Download MP4' }).getAttribute('href'),
    ).resolves.toBe(`${origin}/api/workflows/${id}/video`);
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true; // headless Chromium plays muted media without a user gesture
      return v.play();
    });
    await page.waitForFunction(
      (v) => v instanceof HTMLVideoElement && v.currentTime > 0.5,
      await video.elementHandle(),
    );
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(Math.abs(duration - (total ?? 0))).toBeLessThanOrEqual(0.2);
    const bars = await run
      .locator('.pipeline li')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    expect(bars).toHaveLength(cut.workflow.stages.length);
    expect(new Set(bars).size).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'idea2video-completed.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await sideOverflow(page)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    await run.and(page.locator('[data-status="completed"]')).waitFor();
    await page.close();
  });
}
