import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freePort } from '../packages/server/src/test-utils/engines/spawnEngine';
import { ROOT } from './support/liveline';
import { startProcess, type TestProcess } from './support/startProcess';

let dev: TestProcess;
let port = 0;
let webPort = 0;

/** What the server or Vite prints when another process holds its port. */
const PORT_TAKEN = /EADDRINUSE|is already in use/;

/**
 * `pnpm run dev` must know both ports before it starts: the server allows the dev page's origin,
 * and Vite proxies to the server. Ports free a moment ago stand in for 8000 and 5173, which a
 * developer's own `pnpm run dev` may hold; when another process takes one first, the script is
 * started again on others (at most 5 times). DATA_DIR is left unset: its default is under test.
 */
const startDevAll = async (attempt = 1): Promise<void> => {
  [port, webPort] = [await freePort(), await freePort()];
  try {
    dev = await startProcess([join(ROOT, 'apps/web/scripts/devAll.mjs')], {
      cwd: ROOT,
      env: {
        PORT: String(port),
        WEB_PORT: String(webPort),
        DATA_DIR: undefined,
        LOG_LEVEL: 'info',
      },
      ready: /(listening on http[\s\S]*Local:|Local:[\s\S]*listening on http)/,
      timeoutMs: 60_000,
    });
  } catch (error) {
    if (attempt >= 5 || !PORT_TAKEN.test(String(error))) throw error;
    await startDevAll(attempt + 1);
  }
};

beforeAll(() => startDevAll());

afterAll(async () => {
  await dev?.stop();
});

/**
 * The status a state-changing request from a page on `origin` gets: O2 refuses a foreign origin
 * `403` before reading the body; an allowed one reaches the route, which refuses the command it
 * does not know `400`. Nothing is written to the database, which is the developer's own `./data`.
 */
const postFrom = async (origin: string): Promise<number> =>
  (
    await fetch(`http://127.0.0.1:${port}/api/transport`, {
      method: 'POST',
      headers: { Origin: origin, 'Content-Type': 'application/json' },
      body: JSON.stringify({ type: 'no-such-command' }),
    })
  ).status;

it('(6) O1 under pnpm run dev the server still allows its own app’s origins and adds the dev page’s, no other', async () => {
  for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`])
    expect(await postFrom(origin), origin).toBe(400);
  for (const origin of [`http://127.0.0.1:${webPort}`, `http://localhost:${webPort}`])
    expect(await postFrom(origin), origin).toBe(400);
  expect(await postFrom('http://localhost:5999')).toBe(403);
});

it('(6) pnpm run dev keeps its database in npm start’s ./data, under the repository root', () => {
  const started = dev
    .output()
    .split('\n')
    .find((line) => line.includes('"event":"server.started"'));
  expect(started).toBeDefined();
  expect((JSON.parse(started ?? '{}') as { data_dir?: string }).data_dir).toBe(join(ROOT, 'data'));
});
