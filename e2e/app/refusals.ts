import { join } from 'node:path';
import { expect, it } from 'vitest';
import { SCREENSHOTS } from '../support/liveline';
import type { App } from './appUnderTest';

/**
 * (11) (7) what the app refuses and says: another site's read (O6), a route that does not exist.
 */
export function refusalsCases(app: App): void {
  it("(11) another site's page cannot read the API with an <img> (refused, O6), while the app's own reads pass", async () => {
    const { browser, origin, server } = app();
    const context = await browser.newContext();
    const page = await context.newPage();
    // The app under another site name: localhost is another site than 127.0.0.1.
    await page.goto(`http://localhost:${server.port}/`);
    expect(await page.evaluate(async () => (await fetch('/api/workflows')).status)).toBe(200);
    const probe = `${origin}/api/workflows?probe=o6`;
    await page.evaluate(
      (src) =>
        new Promise<void>((resolve) => {
          const img = new Image();
          img.onload = img.onerror = () => resolve();
          img.src = src;
        }),
      probe,
    );
    const refusals = server
      .output()
      .split('\n')
      .filter((line) => line.includes('http.refused') && line.includes('/api/workflows?probe='));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toContain('Sec-Fetch-Site: cross-site');
    await context.close();
  });

  it('(7) a route that does not exist shows stopped with its reason, and no reconnect loop', async () => {
    const { browser, origin } = app();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The page's timers run on a clock the test moves, so a minute of retries takes no wall time.
    await page.clock.install();
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${origin}/agents?agent=nope`);
    const agent = page.locator('.connection-bar [data-route="/ws/agent/nope"]');
    await agent.and(page.locator('[data-phase="closed"]')).waitFor();
    await expect(agent.getByRole('status').textContent()).resolves.toMatch(/🔴.*Stopped: \S+/);
    await page.clock.runFor(60_000);
    expect(await agent.getAttribute('data-phase')).toBe('closed');
    expect(sockets.filter((u) => u.endsWith('/ws/agent/nope'))).toHaveLength(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'agent-missing.png'), fullPage: true });
    await page.close();
  });
}
