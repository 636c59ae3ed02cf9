import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startProcess, type TestProcess } from './startProcess';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '../..');
/** Where screenshots go (git-ignored). */
export const SCREENSHOTS = join(ROOT, 'e2e/screenshots');

/** A server process and the origin it reported once listening. */
export interface ServerProcess extends TestProcess {
  readonly origin: string;
  readonly port: number;
}

const LISTENING = /listening on (http:\/\/\S+):(\d+)\n/;

/**
 * Starts the built server as a separate process serving the built app. Port 0 lets the kernel
 * pick a free port; the origin is read back from the server's own output, so no port is guessed.
 */
export async function startServer(
  port: number,
  dataDir: string,
  allowedOrigins?: string,
  env: Readonly<Record<string, string>> = {},
): Promise<ServerProcess> {
  const server = await startProcess(['packages/server/dist/main.js'], {
    cwd: ROOT,
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      WEB_DIR: join(ROOT, 'apps/web/dist'),
      LOG_LEVEL: 'warn',
      ...(allowedOrigins ? { ALLOWED_ORIGINS: allowedOrigins } : {}),
      ...env,
    },
    ready: LISTENING,
  });
  const [, host = '', listening = ''] = LISTENING.exec(server.output()) ?? [];
  return { ...server, origin: `${host}:${listening}`, port: Number(listening) };
}

/** A fresh temporary data directory and its removal. */
export function tempDataDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'liveline-e2e-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Debian's Chromium through playwright-core. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** The overall connection indicator's phase. */
export function overallPhase(page: Page): Promise<string | null> {
  return page.locator('.connection-bar > .indicator').getAttribute('data-phase');
}

/**
 * Waits until every indicator in the header says open: each route served (its join answered, or a
 * message on a latest route, PROTOCOL.md K6), not only its handshake done, so a test may cut the
 * network at once and still have what the page showed.
 */
export async function waitAllOpen(page: Page, timeout = 15_000): Promise<void> {
  await page.waitForFunction(
    () => {
      const all = [...document.querySelectorAll('.connection-bar [data-phase]')];
      return all.length > 1 && all.every((el) => el.getAttribute('data-phase') === 'open');
    },
    undefined,
    { timeout },
  );
}

/**
 * Waits until the board page draws its board: its socket is `open` once the snapshot that brings
 * the board came ({@link waitAllOpen}), and this also waits for the page to draw it, for a test that
 * edits the board at once.
 */
export async function waitBoardShown(page: Page, timeout = 15_000): Promise<void> {
  await waitAllOpen(page, timeout);
  await page.locator('fieldset.board').waitFor({ timeout });
}

/** How far the page is wider than its window, in CSS pixels: 0 when nothing scrolls sideways. */
export function sideOverflow(page: Page): Promise<number> {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

/** Single words in the page's controls (buttons, labels, the timeline) that break across lines. */
export function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const broken: string[] = [];
    for (const control of document.querySelectorAll('main button, main label, main .timeline')) {
      const walker = document.createTreeWalker(control, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const word = node.textContent?.trim() ?? '';
        if (!word || /\s/.test(word)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        if (range.getClientRects().length > 1) broken.push(word);
      }
    }
    return broken;
  });
}

/**
 * The smallest size, in screen pixels, at which the elements matching `selector` draw their text:
 * the computed font size, times the scale of the SVG drawing that holds the element, if any (an
 * SVG scaled down to a narrow screen shrinks its text with it).
 */
export function smallestText(page: Page, selector: string): Promise<number> {
  return page.evaluate((css) => {
    const sizes = [...document.querySelectorAll(css)].map((el) => {
      const scale = el instanceof SVGGraphicsElement ? (el.getScreenCTM()?.a ?? 1) : 1;
      return parseFloat(getComputedStyle(el).fontSize) * scale;
    });
    return sizes.length ? Math.min(...sizes) : 0;
  }, selector);
}

/**
 * Reloads `page` (with `reload`, by default `page.reload()`), back online, while its board's socket
 * still cannot get through (the page itself can). Answers the function that lets the socket
 * through and skips the rest of the backoff when the indicator offers it (it may end by itself
 * meanwhile).
 */
export async function reloadWithBoardBlocked(
  page: Page,
  reload: () => Promise<unknown> = () => page.reload(),
): Promise<() => Promise<void>> {
  let blocked = true;
  await page.routeWebSocket(/\/ws\/connect/, (ws) => (blocked ? ws.close() : ws.connectToServer()));
  await page.context().setOffline(false);
  await reload();
  return async () => {
    blocked = false;
    const retry = page.getByRole('button', { name: /^Retry / }).first();
    if (await retry.isVisible()) await retry.click({ timeout: 2_000 }).catch(() => undefined);
  };
}
