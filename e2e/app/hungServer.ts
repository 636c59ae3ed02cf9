import { expect, it } from 'vitest';
import { overallPhase, waitBoardShown } from '../support/liveline';
import type { App } from './appUnderTest';

/** (13) A hung server (SIGSTOP) keeps its sockets open: the DAW stops trusting its clock anyway. */
export function hungServerCases(app: App): void {
  it('(13) DAW: a server frozen with SIGSTOP greys the clock within seconds, not the 25 s heartbeat timeout, and the playhead stops guessing on; resumed with SIGCONT, it plays on', async () => {
    const { browser, origin, server } = app();
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('the server process has a pid');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${origin}/daw`);
    const status = page.getByRole('status').filter({ hasText: /at \d+ BPM/ });
    await page.getByRole('button', { name: 'Play' }).click();
    await status.filter({ hasText: /^Playing at/ }).waitFor();
    const playhead = () => page.locator('.timeline__playhead').getAttribute('class');

    process.kill(pid, 'SIGSTOP');
    try {
      await status
        .filter({ hasText: 'when the transport clock was last heard; no answer from the server' })
        .waitFor({ timeout: 5_000 });
      // Greyed, and Timeline stops moving a stale playhead.
      expect(await playhead()).toContain('is-stale');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await status.filter({ hasText: /^Playing at \d+ BPM$/ }).waitFor();
    await page.getByRole('button', { name: 'Stop' }).click();
    await page.close();
  });

  it('(13) Board: a change sent to a server frozen with SIGSTOP says how long it has had no answer after 3 s, without claiming disconnected; resumed with SIGCONT, it is saved', async () => {
    const { browser, origin, server } = app();
    const pid = server.child.pid;
    if (pid === undefined) throw new Error('the server process has a pid');
    const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    await page.goto(`${origin}/board?board=e2e-hung`);
    await waitBoardShown(page);

    process.kill(pid, 'SIGSTOP');
    try {
      await page.getByRole('button', { name: 'Add card to Backlog' }).click();
      await page.getByLabel('Card title').fill('Hung kite');
      await page.getByRole('button', { name: 'Add card', exact: true }).click();
      const card = page.getByRole('listitem', { name: 'Card Hung kite' });
      await card.getByText(/^Sending… no answer for [3-9] s$/).waitFor({ timeout: 6_000 });
      expect(await overallPhase(page)).toBe('open');
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await page
      .getByRole('listitem', { name: 'Card Hung kite' })
      .and(page.locator(':not(.is-pending)'))
      .waitFor();
    await page.close();
  });
}
