import { join } from 'node:path';
import { expect, it } from 'vitest';
import {
  reloadWithBoardBlocked,
  SCREENSHOTS,
  waitAllOpen,
  waitBoardShown,
} from '../support/liveline';
import type { App } from './appUnderTest';

/**
 * (4) (8) (10) the Board's changes made offline: shown waiting, kept over a reload, saved once or
 * said not saved.
 */
export function boardOfflineCases(app: App): void {
  it('(4) two contexts on the Board: moves appear in both; an offline change shows at once as waiting to send and arrives once', async () => {
    const { browser, origin } = app();
    const board = `e2e-${Date.now().toString(36)}`;
    const [a, b] = await Promise.all([browser.newContext(), browser.newContext()]);
    const [pa, pb] = await Promise.all([a.newPage(), b.newPage()]);
    for (const p of [pa, pb]) {
      await p.goto(`${origin}/board?board=${board}`);
      await waitBoardShown(p);
    }
    const columns = await pa
      .locator('[data-column-id]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-column-id') ?? ''));
    expect(columns.length).toBeGreaterThanOrEqual(3);
    const title = await pa
      .locator('.column h2')
      .first()
      .evaluate((h) => h.firstChild?.textContent?.trim() ?? '');
    await pa.getByRole('button', { name: `Add card to ${title}` }).click();
    await pa.getByLabel('Card title').fill('Render trailer');
    await pa.getByRole('button', { name: 'Add card', exact: true }).click();
    const inColumn = (p: typeof pa, col: string) =>
      p.locator(`[data-column-id="${col}"] [aria-label="Card Render trailer"]`);
    await inColumn(pb, columns[0] ?? '').waitFor();

    await pa.getByLabel('Move Render trailer to').selectOption(columns[1] ?? '');
    await inColumn(pb, columns[1] ?? '').waitFor();

    const savedSeq = async () =>
      ((await (await fetch(`${origin}/api/boards/${board}`)).json()) as { seq: number }).seq;
    const beforeOffline = await savedSeq();
    await a.setOffline(true);
    await pa.waitForFunction(
      () =>
        document.querySelector('.connection-bar > .indicator')?.getAttribute('data-phase') ===
        'offline',
    );
    await pa.getByLabel('Move Render trailer to').selectOption(columns[2] ?? '');
    await pa.getByText('1 change waiting to send').first().waitFor();
    await expect(inColumn(pa, columns[2] ?? '').textContent()).resolves.toContain(
      'Waiting to send',
    );
    await pa.screenshot({ path: join(SCREENSHOTS, 'board-offline.png'), fullPage: true });
    await a.setOffline(false);
    await inColumn(pb, columns[2] ?? '').waitFor();
    await inColumn(pa, columns[2] ?? '')
      .and(pa.locator(':not(.is-pending)'))
      .waitFor();
    await waitAllOpen(pa);
    for (const p of [pa, pb])
      expect(await p.locator('[aria-label="Card Render trailer"]').count()).toBe(1);
    // A move applied twice leaves the card where once does: only the board's seq tells.
    expect(await savedSeq()).toBe(beforeOffline + 1);
    await Promise.all([a.close(), b.close()]);
  });

  it('(8) cards added and moved offline survive a reload while the board cannot be reached: shown as waiting to send, then saved once, as a second browser sees', async () => {
    const { browser, origin } = app();
    const boardId = `e2e-reload-${Date.now().toString(36)}`;
    const savedTitles = async () => {
      const response = await fetch(`${origin}/api/boards/${boardId}`);
      const { board } = (await response.json()) as {
        board: {
          columns: { id: string; card_ids: string[] }[];
          cards: { id: string; title: string }[];
        };
      };
      return board.columns.map((c) => [
        c.id,
        board.cards.filter((k) => c.card_ids.includes(k.id)).map((k) => k.title),
      ]);
    };
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${origin}/board?board=${boardId}`);
    await waitBoardShown(page);

    await context.setOffline(true);
    await page.getByRole('button', { name: 'Add card to Backlog' }).click();
    await page.getByLabel('Card title').fill('Offline kite');
    await page.getByRole('button', { name: 'Add card', exact: true }).click();
    await page.getByLabel('Move Offline kite to').selectOption('review');
    await page.getByText('2 changes waiting to send').first().waitFor();

    const unblock = await reloadWithBoardBlocked(page);
    const kept = page.getByRole('list', { name: 'Your changes not saved yet' });
    // Read once React has rendered the list: allTextContents() does not wait.
    await kept.getByRole('listitem').nth(1).waitFor();
    await expect(kept.getByRole('listitem').allTextContents()).resolves.toEqual([
      'Adding “Offline kite”: Waiting to send',
      'Moving “Offline kite”: Waiting to send',
    ]);
    await page.getByText('2 changes waiting to send').first().waitFor();
    await page.screenshot({
      path: join(SCREENSHOTS, 'board-reloaded-waiting.png'),
      fullPage: true,
    });
    expect((await savedTitles()).flatMap(([, titles]) => titles)).toEqual([]);

    await unblock();
    const card = page.locator('[data-column-id="review"] [aria-label="Card Offline kite"]');
    await card.and(page.locator(':not(.is-pending)')).waitFor({ timeout: 30_000 });
    await expect(savedTitles()).resolves.toContainEqual(['review', ['Offline kite']]);
    expect((await savedTitles()).flatMap(([, titles]) => titles)).toEqual(['Offline kite']);

    const other = await browser.newPage();
    await other.goto(`${origin}/board?board=${boardId}`);
    await other.locator('[data-column-id="review"] [aria-label="Card Offline kite"]').waitFor();
    expect(await other.locator('[aria-label="Card Offline kite"]').count()).toBe(1);
    await Promise.all([context.close(), other.close()]);
  });

  it('(10) changes the page gave up on unanswered are said maybe not saved, still after a reload, and once the board is reachable the page says which the server applied (the alert goes) and which it never did', async () => {
    const { browser, origin } = app();
    const boardId = `e2e-doubt-${Date.now().toString(36)}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    // The page's timers run on a clock the test moves, so the outbox's minute passes at once.
    await page.clock.install();
    await page.goto(`${origin}/board?board=${boardId}`);
    await waitBoardShown(page);
    await context.setOffline(true);
    for (const title of ['Saved kite', 'Lost kite']) {
      await page.getByRole('button', { name: 'Add card to Backlog' }).click();
      await page.getByLabel('Card title').fill(title);
      await page.getByRole('button', { name: 'Add card', exact: true }).click();
    }
    await page.getByText('2 changes waiting to send').first().waitFor();

    // Reloaded while the board's socket cannot get through, the page sends both again, and
    // gives up on them unanswered a minute later: the page before the reload may have sent them.
    const unblock = await reloadWithBoardBlocked(page);
    await page.getByText('2 changes waiting to send').first().waitFor();
    // As if the page before the reload had delivered the first: the server applied it.
    const kept = await page.evaluate(
      (key) => sessionStorage.getItem(key),
      `liveline.board-ops.v2.${boardId}`,
    );
    const [saved] = (JSON.parse(kept ?? '{}') as { ops?: { op: object }[] }).ops ?? [];
    const posted = await fetch(`${origin}/api/boards/${boardId}/ops`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(saved?.op),
    });
    expect(posted.status).toBe(201);
    await page.clock.fastForward(61_000);
    const alert = page.getByRole('alert', { name: 'Changes not applied' });
    const maybe = [
      'Adding “Saved kite” may not have been saved: it could not be sent in time.',
      'Adding “Lost kite” may not have been saved: it could not be sent in time.',
    ];
    await alert.getByRole('listitem').nth(1).waitFor();
    await expect(alert.getByRole('listitem').allTextContents()).resolves.toEqual(
      maybe.map((text) => `${text}Dismiss`),
    );

    // The user must still learn of them after another reload.
    await page.reload();
    await alert.getByRole('listitem').nth(1).waitFor();
    await expect(alert.getByRole('listitem').allTextContents()).resolves.toEqual(
      maybe.map((text) => `${text}Dismiss`),
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'board-in-doubt.png'), fullPage: true });

    await unblock();
    await alert
      .getByText('Adding “Lost kite” was not saved: the server never applied it.')
      .waitFor({ timeout: 30_000 });
    await expect(alert.getByRole('listitem').count()).resolves.toBe(1);
    await page.locator('[aria-label="Card Saved kite"]').waitFor();
    await context.close();
  });
}
