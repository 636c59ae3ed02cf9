import { expect, it, vi } from 'vitest';
import type { App } from './appUnderTest';

/** (12) Diagnostics on a phone: what opens is shown, and the keyboard can leave it. */
export function diagnosticsPhoneCases(app: App): void {
  it('(12) on a 375 px phone, Diagnostics tapped brings its panel into view with the focus in it, and Escape closes it, the focus back on the button', async () => {
    const { browser, origin } = app();
    const page = await browser.newPage({ viewport: { width: 375, height: 800 } });
    // The Agent Monitor: a page long enough on a phone that the drawer below it is out of view.
    await page.goto(`${origin}/agents`);
    const button = page.getByRole('button', { name: 'Diagnostics' });
    await page.getByRole('article', { name: 'Agent renderer' }).waitFor();
    await button.click();
    const drawer = page.getByRole('complementary', { name: 'Diagnostics drawer' });
    await drawer.waitFor();
    expect(await drawer.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    // The page above may still grow as its cards fill in; the panel is in view once it settles.
    await vi.waitFor(
      async () => {
        const top = await drawer.evaluate((el) => el.getBoundingClientRect().top);
        expect(top).toBeGreaterThanOrEqual(0);
        expect(top).toBeLessThan(800);
      },
      { timeout: 5_000 },
    );

    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await button.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.close();
  });
}
