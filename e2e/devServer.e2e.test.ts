import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import {
  launchChromium,
  ROOT,
  SCREENSHOTS,
  startServer,
  tempDataDir,
  waitAllOpen,
  type ServerProcess,
} from './support/liveline';
import { startProcess, type TestProcess } from './support/startProcess';

let server: ServerProcess;
let vite: TestProcess;
let browser: Browser;
let devOrigin: string;
const data = tempDataDir();

const VITE_LOCAL = /Local:\s+(http:\/\/127\.0\.0\.1:\d+)/;

beforeAll(async () => {
  // Both take port 0 and report theirs, so the server cannot know Vite's port in advance: its
  // origin check allows any port of 127.0.0.1 instead of being switched off.
  server = await startServer(0, data.dir, 'http://127.0.0.1:*');
  vite = await startProcess([join(ROOT, 'apps/web/node_modules/vite/bin/vite.js')], {
    cwd: join(ROOT, 'apps/web'),
    env: { WEB_PORT: '0', WS_TARGET: server.origin },
    ready: VITE_LOCAL,
    timeoutMs: 30_000,
  });
  devOrigin = VITE_LOCAL.exec(vite.output())?.[1] ?? '';
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
