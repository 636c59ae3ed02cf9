import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe } from 'vitest';
import type { AppUnderTest } from './app/appUnderTest';
import { boardOfflineCases } from './app/boardOffline';
import { dawPlayheadCases } from './app/dawPlayhead';
import { diagnosticsPhoneCases } from './app/diagnosticsPhone';
import { hungServerCases } from './app/hungServer';
import { idea2videoRunCases } from './app/idea2videoRun';
import { pagesFitCases } from './app/pagesFit';
import { refusalsCases } from './app/refusals';
import { launchChromium, SCREENSHOTS, startServer, tempDataDir } from './support/liveline';

// One server and one Chromium for every case here: each start costs seconds, and the files of
// e2e/ run one after another. The cases live in app/, one module per feature they prove.
let started: AppUnderTest | null = null;
const data = tempDataDir();

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const server = await startServer(0, data.dir);
  started = { server, browser: await launchChromium(), origin: server.origin };
});

afterAll(async () => {
  await started?.browser.close();
  await started?.server.stop();
  data.remove();
});

const app = (): AppUnderTest => {
  if (!started) throw new Error('the app starts in beforeAll');
  return started;
};

describe('production build against the real server', () => {
  pagesFitCases(app);
  idea2videoRunCases(app);
  boardOfflineCases(app);
  dawPlayheadCases(app);
  refusalsCases(app);
  diagnosticsPhoneCases(app);
  hungServerCases(app);
});
