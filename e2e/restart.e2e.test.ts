import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  launchChromium,
  overallPhase,
  SCREENSHOTS,
  startServer,
  tempDataDir,
  waitAllOpen,
  type ServerProcess,
} from './support/liveline';

let server: ServerProcess | null = null;
let browser: Browser;
const data = tempDataDir();

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data.remove();
});

it('(3) W4 SIGKILL mid-run and restart: reconnecting, then connected; the run goes on (running, then completed) and the event list has no gap and no duplicate', async () => {
  server = await startServer(0, data.dir);
  const { origin, port } = server;
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${origin}/idea2video`);
  await waitAllOpen(page);
  await page
    .getByLabel('Idea', { exact: true })
    .fill('Two rival bakers discover they share a sourdough starter.');
  await page.getByRole('button', { name: 'Start run' }).click();
  const events = page.locator('[aria-label="Run events"] [data-seq]');
  await page.waitForFunction(
    () => document.querySelectorAll('[aria-label="Run events"] [data-seq]').length >= 3,
  );

  await server.stop('SIGKILL');
  server = null;
  await page.waitForFunction(
    () =>
      document.querySelector('.connection-bar > .indicator')?.getAttribute('data-phase') ===
      'reconnecting',
  );
  await expect(page.locator('.connection-bar > .indicator').textContent()).resolves.toMatch(
    /Reconnecting .*\(attempt \d+\)/,
  );
  await page.screenshot({ path: join(SCREENSHOTS, 'idea2video-reconnecting.png'), fullPage: true });

  server = await startServer(port, data.dir);
  // Skip the rest of the backoff when the indicator offers it. The button goes away once the
  // backoff ends by itself, possibly between seeing it and clicking it: then there is nothing to
  // skip, and waitAllOpen below checks the outcome either way.
  const retry = page.getByRole('button', { name: 'Retry All connections now' });
  if (await retry.isVisible()) await retry.click({ timeout: 2_000 }).catch(() => undefined);
  await waitAllOpen(page, 30_000);
  expect(await overallPhase(page)).toBe('open');
  const run = page.locator('[aria-label="Run"]');
  await run.and(page.locator('[data-status="running"]')).waitFor({ timeout: 30_000 });
  await run.and(page.locator('[data-status="completed"]')).waitFor({ timeout: 90_000 });
  await expect(events.filter({ hasText: 'workflow.resumed' }).count()).resolves.toBe(1);

  const seqs = await events.evaluateAll((els) =>
    els.map((e) => Number(e.getAttribute('data-seq'))),
  );
  expect(seqs.length).toBeGreaterThan(3);
  expect(new Set(seqs).size).toBe(seqs.length);
  seqs.forEach((seq, i) => i > 0 && expect(seq).toBe((seqs[i - 1] ?? 0) + 1));
  expect(await page.getByText('History was lost on a reconnect').count()).toBe(0);
  await page.screenshot({
    path: join(SCREENSHOTS, 'idea2video-after-restart.png'),
    fullPage: true,
  });
  await page.close();
}, 180_000);
