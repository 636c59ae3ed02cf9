import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  launchChromium,
  reloadWithBoardBlocked,
  ROOT,
  startServer,
  tempDataDir,
  waitAllOpen,
  waitBoardShown,
  type ServerProcess,
} from './support/liveline';

const SECRET = 'e2e-auth-secret-of-at-least-32-bytes!';
let server: ServerProcess;
let browser: Browser;
const data = tempDataDir();
/** Every token minted, for the leak sweep. */
const minted: string[] = [];
/** Everything every page wrote to its console or threw. */
const consoleLines: string[] = [];

/** An invite link from the CLI, as `pnpm run token … --link` prints it (rule A9). */
const invite = (path: string, sub: string, scope: string, ttl = '10m'): string => {
  const link = execFileSync(
    process.execPath,
    [
      join(ROOT, 'packages/server/dist/cli.js'),
      'token',
      ...['--sub', sub, '--name', sub.toUpperCase(), '--scope', scope, '--ttl', ttl],
      ...['--link', `${server.origin}${path}`],
    ],
    { env: { ...process.env, LIVELINE_AUTH_SECRET: SECRET }, encoding: 'utf8' },
  ).trim();
  minted.push(new URL(link).hash.replace('#token=', ''));
  return link;
};

const openPage = async (): Promise<Page> => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('console', (message) => consoleLines.push(message.text()));
  page.on('pageerror', (error) => consoleLines.push(String(error)));
  return page;
};

/** Opens `link` in the tab `page` shows, as a user pasting it would: its fragment changes, and the page reloads. */
const openInTab = async (page: Page, link: string): Promise<void> => {
  const reloaded = page.waitForEvent('load');
  await page.evaluate((hash) => (window.location.hash = hash), new URL(link).hash);
  await reloaded;
};

beforeAll(async () => {
  server = await startServer(0, data.dir, undefined, {
    LIVELINE_AUTH_SECRET: SECRET,
    LOG_LEVEL: 'debug',
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data.remove();
});

describe('signed-in web app against a server with auth on', () => {
  it('(A9) an invite link with write access can edit the board, and the token leaves the address bar', async () => {
    const page = await openPage();
    await page.goto(invite('/board?board=e2e-auth', 'ed', 'board:e2e-auth:write'));
    await waitAllOpen(page);
    expect(page.url()).toBe(`${server.origin}/board?board=e2e-auth`);
    await page.getByLabel('Signed in').getByText('ED').waitFor();
    await page.getByRole('button', { name: 'Add card to Backlog' }).click();
    await page.getByLabel('Card title').fill('Signed card');
    await page.getByRole('button', { name: 'Add card', exact: true }).click();
    await page.getByRole('listitem', { name: 'Card Signed card' }).waitFor();
    expect(await page.getByText('View only').count()).toBe(0);
    await page.close();
  });

  it('(A4) a viewer link shows "View only" with the board’s and the transport’s controls disabled', async () => {
    const page = await openPage();
    await page.goto(invite('/board?board=e2e-auth', 'vi', 'board:*:read transport:*:read'));
    await waitAllOpen(page);
    await page.getByText('View only').waitFor();
    await page.getByRole('listitem', { name: 'Card Signed card' }).waitFor();
    expect(await page.getByRole('button', { name: 'Add card to Backlog' }).isDisabled()).toBe(true);
    expect(await page.getByRole('button', { name: 'Delete Signed card' }).isDisabled()).toBe(true);
    await page.goto(`${server.origin}/daw`);
    await waitAllOpen(page);
    await page.getByText('View only').waitFor();
    expect(await page.getByRole('button', { name: 'Play' }).isDisabled()).toBe(true);
    await page.close();
  });

  it('(A4) a board-only link on Idea2Video says why the recent runs could not be loaded instead of "No runs yet.", and that it cannot start runs before anything is submitted', async () => {
    const page = await openPage();
    await page.goto(invite('/idea2video', 'bo', 'board:*:write'));
    const recent = page.getByRole('region', { name: 'Recent runs' });
    await recent.getByRole('alert').getByText('The list of runs could not be loaded:').waitFor();
    expect(await recent.getByText('No runs yet.').count()).toBe(0);
    const form = page.getByRole('form', { name: 'Start a run' });
    await form.getByText('This link cannot start runs').waitFor();
    expect(await form.getByRole('button', { name: 'Start run' }).isDisabled()).toBe(true);
    await page.close();
  });

  it('(A10) an expired token shows "Signed out" and how to get back in, and starts no reconnect loop', async () => {
    const page = await openPage();
    // The page's timers run on a clock the test moves, so a minute of retries takes no wall time.
    await page.clock.install();
    let sockets = 0;
    page.on('websocket', () => (sockets += 1));
    await page.goto(invite('/board?board=e2e-auth', 'ex', 'board:e2e-auth:write', '2s'));
    await page.getByLabel('Signed in').waitFor();
    const alert = page.getByRole('alert').filter({ hasText: 'Signed out' });
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('open a new invite link');
    const phases = await page
      .locator('.connection-bar__routes [data-phase]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-phase')));
    expect(phases.length).toBeGreaterThan(0);
    expect(phases.every((p) => p === 'closed')).toBe(true);
    await page.clock.runFor(60_000);
    // Each route connected once and, signed out, asked for nothing more in a minute.
    expect(sockets).toBe(phases.length);
    await page.close();
  });

  it('(A10) signed out, the board turns read only and says why: no change can pile up waiting for a token', async () => {
    const page = await openPage();
    await page.goto(invite('/board?board=e2e-auth', 'so', 'board:e2e-auth:write', '2s'));
    const add = page.getByRole('button', { name: 'Add card to Backlog' });
    await add.waitFor();
    await page.getByText('Read only: signed out.').waitFor({ timeout: 15_000 });
    expect(await add.isDisabled()).toBe(true);
    await page.close();
  });

  it('(A10) a visitor without a token is told an invite link is needed, offered no Reconnect, and not left loading the board', async () => {
    const page = await openPage();
    await page.goto(`${server.origin}/board?board=e2e-auth`);
    await page.getByRole('alert').filter({ hasText: 'Invite link needed.' }).waitFor();
    expect(await page.getByText('Your access token expired').count()).toBe(0);
    expect(await page.getByText('Loading the board…').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Retry .* now$/ }).count()).toBe(0);
    await page.close();
  });

  it('(A7) a token for another board shows "No access to board X"', async () => {
    const page = await openPage();
    await page.goto(invite('/board?board=secret-board', 'al', 'board:e2e-auth:write'));
    await page.getByRole('alert').filter({ hasText: 'No access to board secret-board' }).waitFor();
    await page.close();
  });

  it('(B1) changes saved in a tab are not sent under the token of an invite link opened in it since: the page says whose they were, and the server never applies them as the new subject', async () => {
    const board = 'e2e-auth-switch';
    const page = await openPage();
    await page.goto(invite(`/board?board=${board}`, 'alice', `board:${board}:write`));
    await waitBoardShown(page);
    await page.context().setOffline(true);
    await page.getByRole('button', { name: 'Add card to Backlog' }).click();
    await page.getByLabel('Card title').fill('Alice kite');
    await page.getByRole('button', { name: 'Add card', exact: true }).click();
    await page.getByText('1 change waiting to send').first().waitFor();

    // Bob's invite link, opened in the same tab: the page reloads, asks whether to switch from
    // Alice, and on yes reloads under Bob's token.
    const bob = invite(`/board?board=${board}`, 'bob', `board:${board}:write`);
    const unblock = await reloadWithBoardBlocked(page, () => openInTab(page, bob));
    const question = page.getByRole('dialog', { name: 'Switch to BOB?' });
    expect(await question.getByRole('paragraph').textContent()).toBe(
      'This link signs you in as BOB; you are signed in as ALICE.',
    );
    const switched = page.waitForEvent('load');
    await question.getByRole('button', { name: 'Switch to BOB' }).click();
    await switched;
    const alert = page.getByRole('alert', { name: 'Changes not applied' });
    await alert
      .getByText('1 change made as ALICE was not sent: you are now signed in as BOB.')
      .waitFor();
    await unblock();
    // Bob's own change goes after anything the page sent at its start, on the same socket.
    await page.getByRole('button', { name: 'Add card to Backlog' }).click();
    await page.getByLabel('Card title').fill('Bob kite');
    await page.getByRole('button', { name: 'Add card', exact: true }).click();
    const card = page.getByRole('listitem', { name: 'Card Bob kite' });
    await card.and(page.locator(':not(.is-pending)')).waitFor({ timeout: 30_000 });
    const response = await fetch(`${server.origin}/api/boards/${board}`, {
      headers: { authorization: `Bearer ${new URL(bob).hash.replace('#token=', '')}` },
    });
    const { board: saved } = (await response.json()) as { board: { cards: { title: string }[] } };
    expect(saved.cards.map((c) => c.title)).toEqual(['Bob kite']);
    expect(await alert.textContent()).toContain('made as ALICE was not sent');
    await page.close();
  });

  it('(A9) an invite link for another subject opened in a signed-in tab asks in the page: the focus moves to the question, Escape keeps the session, and the page works as the signed-in subject until the user switches', async () => {
    const board = 'e2e-auth-ask';
    const page = await openPage();
    await page.goto(invite(`/board?board=${board}`, 'carol', `board:${board}:write`));
    await waitBoardShown(page);
    const dave = invite(`/board?board=${board}`, 'dave', `board:${board}:write`);
    const question = page.getByRole('dialog', { name: 'Switch to DAVE?' });
    const focused = () => page.evaluate(() => document.activeElement?.textContent);

    await openInTab(page, dave);
    await question.waitFor();
    await waitBoardShown(page);
    expect(await focused()).toBe('Stay signed in as CAROL');
    await page.keyboard.press('Escape');
    await question.waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    expect(await page.getByLabel('Signed in').textContent()).toBe('Signed in as CAROL');

    await openInTab(page, dave);
    await question.waitFor();
    await waitBoardShown(page);
    await page.getByRole('button', { name: 'Add card to Backlog' }).click();
    await page.getByLabel('Card title').fill('Carol kite');
    await page.getByRole('button', { name: 'Add card', exact: true }).click();
    const card = page.getByRole('listitem', { name: 'Card Carol kite' });
    await card.and(page.locator(':not(.is-pending)')).waitFor();
    const switched = page.waitForEvent('load');
    await question.getByRole('button', { name: 'Switch to DAVE' }).click();
    await switched;
    await page.getByLabel('Signed in').getByText('DAVE').waitFor();
    expect(await question.count()).toBe(0);
    await page.close();
  });

  it('(O7) a page on another origin in ALLOWED_ORIGINS reads the JSON answers of POSTs with a token and a JSON body (preflighted), an error too; a page on an origin not on it cannot read one', async () => {
    const board = 'e2e-cors';
    const link = invite(`/board?board=${board}`, 'co', `board:${board}:write`);
    const token = new URL(link).hash.replace('#token=', '');
    const addCard = (page: Page, path: string, title: string) =>
      page.evaluate(
        async ([url, bearer, title]) => {
          try {
            const response = await fetch(url, {
              method: 'POST',
              headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/json' },
              body: JSON.stringify({
                type: 'card.create',
                op_id: title.replaceAll(' ', '-'),
                column_id: 'backlog',
                title,
              }),
            });
            return { status: response.status, body: (await response.json()) as unknown };
          } catch (error) {
            return { rejected: String(error) };
          }
        },
        [`${server.origin}${path}`, token, title] as const,
      );

    // The app under its other loopback name: http://localhost:<port> is on the default list.
    const allowed = await openPage();
    await allowed.goto(`http://localhost:${server.port}/`);
    expect(await addCard(allowed, `/api/boards/${board}/ops`, 'Cross-origin kite')).toMatchObject({
      status: 201,
      body: { op_id: 'Cross-origin-kite', seq: 1, duplicate: false },
    });
    expect(await addCard(allowed, '/api/boards/other/ops', 'Elsewhere kite')).toMatchObject({
      status: 403,
      body: { error: { code: 'forbidden' } },
    });

    // Another origin, not on the list: a page served on another port of 127.0.0.1.
    const elsewhere = createServer((_, res) => res.end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    const foreign = await openPage();
    try {
      const other = `http://127.0.0.1:${(elsewhere.address() as AddressInfo).port}`;
      await foreign.goto(other);
      expect(await addCard(foreign, `/api/boards/${board}/ops`, 'Foreign kite')).toEqual({
        rejected: 'TypeError: Failed to fetch',
      });
      expect(server.output()).toContain(`"reason":"origin ${other} is not allowed`);
    } finally {
      await foreign.close();
      await new Promise((resolve) => elsewhere.close(resolve));
    }
    const saved = await fetch(`${server.origin}/api/boards/${board}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const { board: stored } = (await saved.json()) as { board: { cards: { title: string }[] } };
    expect(stored.cards.map((c) => c.title)).toEqual(['Cross-origin kite']);
    await allowed.close();
  });

  it('(A7) the server’s log and the browser console never contain a token', () => {
    const logs = server.output();
    expect(logs).toContain('auth.refused');
    expect(minted.length).toBeGreaterThanOrEqual(4);
    for (const token of minted) {
      const signature = token.split('.')[2] ?? token;
      expect(logs).not.toContain(signature);
      for (const line of consoleLines) expect(line).not.toContain(signature);
    }
  });
});
