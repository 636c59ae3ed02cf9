import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../packages/server/src/test-utils/engines/spawnEngine';
import { ROOT, tempDataDir } from './support/liveline';
import { startProcess, type TestProcess } from './support/startProcess';

let dev: TestProcess;
let port = 0;
let webPort = 0;
const data = tempDataDir();

beforeAll(async () => {
  // `pnpm run dev` must know both ports before it starts: the server allows the dev page's
  // origin, and Vite proxies to the server. Ports that were free a moment ago stand in for 8000
  // and 5173, which a developer's own `pnpm run dev` may hold.
  [port, webPort] = [await freePort(), await freePort()];
  dev = await startProcess([join(ROOT, 'apps/web/scripts/devAll.mjs')], {
    cwd: ROOT,
    env: { PORT: String(port), WEB_PORT: String(webPort), DATA_DIR: data.dir, LOG_LEVEL: 'warn' },
    ready: /(listening on http[\s\S]*Local:|Local:[\s\S]*listening on http)/,
    timeoutMs: 60_000,
  });
});

afterAll(async () => {
  await dev?.stop();
  data.remove();
});

/** The status a state-changing request from a page on `origin` gets (rule O2 refuses a foreign one). */
const postFrom = async (origin: string): Promise<number> =>
  (
    await fetch(`http://127.0.0.1:${port}/api/transport`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'stop' }),
    })
  ).status;

it('(6) O1 under pnpm run dev the server still allows its own app’s origins and adds the dev page’s, no other', async () => {
  for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`])
    expect(await postFrom(origin), origin).toBe(200);
  for (const origin of [`http://127.0.0.1:${webPort}`, `http://localhost:${webPort}`])
    expect(await postFrom(origin), origin).toBe(200);
  expect(await postFrom('http://localhost:5999')).toBe(403);
});
