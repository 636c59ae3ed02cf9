import type { Browser } from 'playwright-core';
import type { ServerProcess } from '../support/liveline';

/** The built server and the Chromium every case of app.e2e.test.ts shares, started once. */
export interface AppUnderTest {
  readonly server: ServerProcess;
  readonly browser: Browser;
  readonly origin: string;
}

/** The started app, read by a case when it runs (it throws before the file's beforeAll). */
export type App = () => AppUnderTest;
