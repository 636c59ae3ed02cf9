import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import {
  brokenWords,
  launchChromium,
  overallPhase,
  reloadWithBoardBlocked,
  SCREENSHOTS,
  sideOverflow,
  smallestText,
  startServer,
  tempDataDir,
  waitAllOpen,
  waitBoardShown,
  type ServerProcess,
} from './support/liveline';

let server: ServerProcess;
let browser: Browser;
let origin: string;
const data = tempDataDir();
/** Frames the DAW test watches the playhead for: 2 s at 60 Hz. */
const SMOOTH_FRAMES = 120;

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  server = await startServer(0, data.dir);
  origin = server.origin;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  data.remove();
});

describe('production build against the real server', () => {
  it('(1) every page loads and its indicators turn green, and fits a 375 px phone screen without sideways scrolling, a control breaking inside a word or a chart label under 11 px, also with changes waiting to send and a refusal shown, which Enter on Dismiss hides keeping the focus on the page', async () => {
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

  it('(2) an Idea2Video run goes from start to completed with every artifact on screen, one progress bar per stage, and its video plays as long as the cut sheet; a long unbroken title wraps on a 375 px screen', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${origin}/idea2video`);
    await waitAllOpen(page);
    await page
      .getByLabel('Title (optional)')
      .fill('Lighthouse_keeper_finds_a_message_in_a_bottle_from_her_future_self');
    await page
      .getByLabel('Idea', { exact: true })
      .fill('A lighthouse keeper finds a message in a bottle from her future self.');
    await page.getByRole('button', { name: 'Start run' }).click();
    await page.waitForURL(/\?run=run-/);
    const run = page.getByRole('region', { name: 'Run' });
    await run.and(page.locator('[data-status="completed"]')).waitFor({ timeout: 60_000 });
    for (const label of ['Scenes', 'Storyboard', 'Shots', 'Audio cues', 'Cut sheet', 'Video'])
      await expect(run.getByLabel(label, { exact: true }).count()).resolves.toBe(1);
    const id = new URL(page.url()).searchParams.get('run') ?? '';
    const cut = (await (await fetch(`${origin}/api/workflows/${id}`)).json()) as {
      workflow: { stages: { artifact: { kind: string; total_seconds?: number } | null }[] };
    };
    const total = cut.workflow.stages.find((s) => s.artifact?.kind === 'cut_sheet')?.artifact
      ?.total_seconds;
    const video = run.locator('video');
    await expect(
      run.getByRole('link', { name: 'Download MP4' }).getAttribute('href'),
    ).resolves.toBe(`${origin}/api/workflows/${id}/video`);
    await video.evaluate((v: HTMLVideoElement) => {
      v.muted = true; // headless Chromium plays muted media without a user gesture
      return v.play();
    });
    await page.waitForFunction(
      (v) => v instanceof HTMLVideoElement && v.currentTime > 0.5,
      await video.elementHandle(),
    );
    const duration = await video.evaluate((v: HTMLVideoElement) => v.duration);
    expect(Math.abs(duration - (total ?? 0))).toBeLessThanOrEqual(0.2);
    const bars = await run
      .locator('.pipeline li')
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
    expect(bars).toHaveLength(cut.workflow.stages.length);
    expect(new Set(bars).size).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'idea2video-completed.png'), fullPage: true });
    await page.setViewportSize({ width: 375, height: 800 });
    expect(await sideOverflow(page)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.reload();
    await run.and(page.locator('[data-status="completed"]')).waitFor();
    await page.close();
  });

  it('(4) two contexts on the Board: moves appear in both; an offline change shows at once as waiting to send and arrives once', async () => {
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

  it('(5) DAW: the playhead moves forward smoothly without React renders; a second tab follows a click and a keyboard seek', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const [pa, pb] = await Promise.all([context.newPage(), context.newPage()]);
    for (const p of [pa, pb]) {
      await p.goto(`${origin}/daw`);
      await waitAllOpen(p);
    }
    await pa.getByRole('button', { name: 'Stop' }).click();
    await pa.getByRole('button', { name: 'Play' }).click();
    await pa.getByText(/Playing at/).waitFor();
    const sample = await pa.evaluate(async (frames) => {
      const head = document.querySelector<HTMLElement>('[data-testid="playhead"]');
      if (!head) throw new Error('no playhead');
      const commits = () => (window as { __livelineCommits?: number }).__livelineCommits ?? 0;
      const before = commits();
      // Read right after the playhead's own frame callback moved it (a mutation is delivered at
      // the microtask checkpoint that follows it), stamped with that frame's time: a reading
      // from a frame callback of the test's own may run before or after the playhead's.
      const points: { t: number; s: number; x: number }[] = [];
      await new Promise<void>((done) => {
        const observer = new MutationObserver(() => {
          points.push({
            t: Number(document.timeline.currentTime),
            s: Number(head.dataset.seconds),
            x: head.getBoundingClientRect().x,
          });
          if (points.length < frames) return;
          observer.disconnect();
          done();
        });
        observer.observe(head, { attributeFilter: ['data-seconds'] });
      });
      return { points, commits: commits() - before };
    }, SMOOTH_FRAMES);
    for (let i = 1; i < sample.points.length; i++) {
      const prev = sample.points[i - 1]!;
      const cur = sample.points[i]!;
      expect(cur.x).toBeGreaterThanOrEqual(prev.x);
      // Rule C2: each frame the playhead advances by the frame's time, corrected toward the clock
      // by at most half a frame, so it never stands still, steps back or jumps, however long the
      // frame took (0.5 ms for the 4 decimals of data-seconds and the frame time's rounding).
      const stepMs = (cur.s - prev.s) * 1000;
      const frameMs = cur.t - prev.t;
      expect(stepMs).toBeGreaterThanOrEqual(frameMs / 2 - 0.5);
      expect(stepMs).toBeLessThanOrEqual(frameMs * 1.5 + 0.5);
    }
    expect(sample.commits).toBeLessThan(10);
    await pb.getByText(/Playing at 120 BPM/).waitFor();

    await pa.getByRole('button', { name: 'Pause' }).click();
    await pb.getByText(/Stopped at/).waitFor();
    const timeline = pa.getByRole('slider', { name: 'Timeline: click to seek' });
    const box = (await timeline.boundingBox())!;
    await pa.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    // Waits until the second tab's playhead is strictly between `above` and `below` seconds.
    const headAt = (above: number, below: number) =>
      pb.waitForFunction(
        ([lo, hi]) => {
          const head = document.querySelector<HTMLElement>('[data-testid="playhead"]');
          const seconds = Number(head?.dataset.seconds);
          return seconds > lo && seconds < hi;
        },
        [above, below] as const,
      );
    await headAt(10, 1e9);
    await timeline.press('Home');
    await pa.waitForFunction(
      () => document.querySelector('[role="slider"]')?.getAttribute('aria-valuenow') === '0',
    );
    await timeline.press('PageUp');
    // From the first beat, Page Up moves one bar: 2 s at 120 BPM.
    await headAt(1.999, 2.001);
    await pa.getByLabel('Tempo (BPM)').fill('96');
    await pa.getByLabel('Tempo (BPM)').press('Enter');
    await pb.getByText('Stopped at 96 BPM').waitFor();
    await pa.getByRole('heading', { name: 'DAW' }).click();
    await pa.keyboard.press('Space');
    await pb.getByText('Playing at 96 BPM').waitFor();
    await pa.screenshot({ path: join(SCREENSHOTS, 'daw-playing.png'), fullPage: true });
    await pa.getByRole('button', { name: 'Stop' }).click();
    await context.close();
  });

  it('(8) cards added and moved offline survive a reload while the board cannot be reached: shown as waiting to send, then saved once, as a second browser sees', async () => {
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

  it("(11) another site's page cannot read the API with an <img> (refused, O6), while the app's own reads pass", async () => {
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
});
