import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { freePort } from './support/freePort';
import {
  launchChromium,
  ROOT,
  SCREENSHOTS,
  startServer,
  tempDataDir,
  waitAllOpen,
} from './support/liveline';
import { startProcess, type TestProcess } from './support/startProcess';

let server: TestProcess;
let vite: TestProcess;
let browser: Browser;
let devOrigin: string;
const data = tempDataDir();

beforeAll(async () => {
  const [port, webPort] = [await freePort(), await freePort()];
  devOrigin = `http://127.0.0.1:${webPort}`;
  // The server's origin check allows the dev origin explicitly instead of being switched off.
  server = await startServer(port, data.dir, devOrigin);
  vite = await startProcess([join(ROOT, 'apps/web/node_modules/vite/bin/vite.js')], {
    cwd: join(ROOT, 'apps/web'),
    env: { WEB_PORT: String(webPort), WS_TARGET: `http://127.0.0.1:${port}` },
    ready: /Local:/,
    timeoutMs: 30_000,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await vite?.stop();
  await server?.stop();
  data.remove();
});

it('(6) a page served by vite connects through the proxy, and HMR still connects', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const hmr = page.waitForEvent('console', {
    predicate: (m) => m.text().includes('[vite] connected'),
    timeout: 30_000,
  });
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  await page.goto(`${devOrigin}/board?board=dev-proxy`);
  await hmr;
  await waitAllOpen(page, 30_000);
  expect(
    sockets.some((u) =>
      u.startsWith(`${devOrigin.replace('http', 'ws')}/ws/connect?board_id=dev-proxy`),
    ),
  ).toBe(true);
  const health = await page.evaluate(async () => (await fetch('/health')).status);
  expect(health).toBe(200);
  await page.screenshot({ path: join(SCREENSHOTS, 'board-dev-server.png'), fullPage: true });
  await page.close();
});
