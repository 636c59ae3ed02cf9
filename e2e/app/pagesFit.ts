import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Locator } from 'playwright-core';
import {
  brokenWords,
  overallPhase,
  SCREENSHOTS,
  sideOverflow,
  smallestText,
  waitAllOpen,
  waitBoardShown,
} from '../support/liveline';
import type { App } from './appUnderTest';

/**
 * (1) every page loads, turns green and fits a phone screen, also with changes waiting and a
 * refusal shown.
 */
export function pagesFitCases(app: App): void {
  it('(1) every page loads and its indicators turn green, and fits a 375 px phone screen without sideways scrolling, a control breaking inside a word or a chart label under 11 px, also with changes waiting to send and a refusal shown, which Enter on Dismiss hides keeping the focus on the page', async () => {
    const { browser, origin } = app();
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    const pages = [
      ['/idea2video', 'idea2video'],
      ['/agents', 'agents'],
      ['/daw', 'daw'],
      ['/board?board=e2e-shots', 'board'],
    ] as const;
    for (const [path, name] of pages) {
      await page.goto(`${origin}${path}`);
      await waitAllOpen(page);
      expect(await overallPhase(page)).toBe('open');
      await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
    }
    /** Nothing scrolls sideways and no control breaks inside a word; a screenshot shows it. */
    const expectFits = async (name: string) => {
      expect(await sideOverflow(page), name).toBe(0);
      expect(await brokenWords(page), name).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `${name}-375.png`), fullPage: true });
    };
    /** The refusal alert fits; Enter on its Dismiss hides it and puts the focus on `then`. */
    const dismissByKeyboard = async (name: string, then: Locator) => {
      await page.getByRole('alert').waitFor();
      await expectFits(name);
      await page.getByRole('button', { name: /^Dismiss:/ }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('alert').waitFor({ state: 'detached' });
      await expect(then.evaluate((el) => el === document.activeElement)).resolves.toBe(true);
    };
    await page.setViewportSize({ width: 375, height: 800 });
    for (const [path, name] of pages) {
      await page.goto(`${origin}${path}`);
      await waitAllOpen(page);
      await expectFits(name);
    }
    // The user's own changes waiting to send, and refusals, fit too; Dismiss works by keyboard.
    await page.goto(`${origin}/daw`);
    await waitAllOpen(page);
    await page.context().setOffline(true);
    for (const name of ['Play', 'Pause', 'Stop'])
      await page.getByRole('button', { name, exact: true }).click();
    await page.getByText('Stop (playback will stop and go back to the start)').waitFor();
    await expectFits('daw-waiting');
    await page.context().setOffline(false);
    await page.getByText(/Stopped at/).waitFor();
    await page.getByLabel('Loop start (s)').fill('8');
    await page.getByLabel('Loop end (s)').fill('2');
    await page.getByRole('checkbox', { name: 'Loop' }).click();
    await dismissByKeyboard('daw-refused', page.getByRole('region', { name: 'Transport' }));

    const shots = `${origin}/api/boards/e2e-shots/ops`;
    const post = (op: object) =>
      fetch(shots, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(op),
      });
    const long = 'Storyboard_the_lighthouse_keeper_and_her_message_in_a_bottle';
    await post({ type: 'card.create', op_id: 'e2e-long', column_id: 'backlog', title: long });
    await page.goto(`${origin}/board?board=e2e-shots`);
    await waitBoardShown(page);
    await page.context().setOffline(true);
    await page.getByLabel(`Move ${long} to`).selectOption('done');
    await page.locator('.card.is-pending').waitFor();
    await expectFits('board-waiting');
    // Another client deletes the column the move goes to while this one is offline.
    await post({ type: 'column.delete', op_id: 'e2e-drop-done', column_id: 'done' });
    await page.context().setOffline(false);
    await dismissByKeyboard('board-refused', page.getByRole('group', { name: 'Board e2e-shots' }));

    // The Agent Monitor's chart draws once the first metrics arrive; its axis labels stay readable.
    await page.goto(`${origin}/agents`);
    await page.locator('.chart__axis').first().waitFor();
    expect(await smallestText(page, '.chart__axis')).toBeGreaterThanOrEqual(11);
    expect(await sideOverflow(page)).toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, 'agents-chart-375.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.getByRole('button', { name: 'Diagnostics' }).click();
    await page.getByRole('region', { name: 'Diagnostics' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'diagnostics.png'), fullPage: true });
    await page.close();
  });
}
