import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Browser } from 'playwright-core';
import { pathToFileURL } from 'node:url';
import { launchChromium, ROOT, tempDataDir } from './support/liveline';

/** What this test uses of the built server (`npm start` runs the build, so the test does too). */
interface BuiltServer {
  readonly origin: string;
  stop(): Promise<void>;
}
/**
 * The build is loaded by its path at run time: it exists only after `pnpm -r build`, which runs
 * after lint, so a static import would leave its types unresolved for a fresh clone's lint.
 */
const loadBuiltServer = async () =>
  (await import(pathToFileURL(join(ROOT, 'packages/server/dist/index.js')).href)) as {
    readonly startServer: (options: Record<string, unknown>) => Promise<BuiltServer>;
  };

const HOUR_MS = 3_600_000;
/** How far the test moved the server's clock on (a fake for time). */
let skipped = 0;
let server: BuiltServer;
let browser: Browser;
const data = tempDataDir();

beforeAll(async () => {
  // The built server in this process: the command line cannot make retention prune within the
  // test (its pass runs once a minute), the `pruneIntervalMs` option can. Its clock is moved past
  // the retention rather than the retention made tiny, which would prune the tombstone too.
  const { startServer } = await loadBuiltServer();
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    dataDir: data.dir,
    webDir: join(ROOT, 'apps/web/dist'),
    logLevel: 'warn',
    stageDurationMs: 5,
    renderVideo: false,
    now: () => Date.now() + skipped,
    runRetentionMs: HOUR_MS,
    pruneIntervalMs: 5,
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data.remove();
});

it('(9) G5 a fresh tab opened on the URL of a run retention deleted says the run was deleted, not that it waits to start', async () => {
  const { origin } = server;
  const started = await fetch(`${origin}/api/workflows`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: 'e2e-gone', mode: 'idea', input: 'A kite. It flies. It lands.' }),
  });
  expect(started.ok).toBe(true);
  await vi.waitFor(
    async () =>
      expect(await (await fetch(`${origin}/api/workflows/e2e-gone`)).json()).toMatchObject({
        workflow: { status: 'completed' },
      }),
    { timeout: 10_000, interval: 20 },
  );
  skipped += 2 * HOUR_MS;
  await vi.waitFor(
    async () => expect((await fetch(`${origin}/api/workflows/e2e-gone`)).status).toBe(410),
    { timeout: 10_000, interval: 20 },
  );

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${origin}/idea2video?run=e2e-gone`);
  const run = page.getByRole('region', { name: 'Run' });
  await expect(run.getByRole('alert').textContent()).resolves.toBe(
    'Run e2e-gone was deleted: finished runs are kept for a limited time.',
  );
  await expect(run.getByText(/Waiting for run/).count()).resolves.toBe(0);
  await page.close();
});
