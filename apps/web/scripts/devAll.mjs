#!/usr/bin/env node
// `pnpm run dev`: the Liveline server on 8000 (from TypeScript source) and Vite on 127.0.0.1:5173
// together. Ctrl-C stops both, each killed by its own PID.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = join(web, '../..');
const bin = (name) => join(web, 'node_modules/.bin', name);
const port = process.env.PORT ?? '8000';
const webPort = process.env.WEB_PORT ?? '5173';
// ALLOWED_ORIGINS replaces the server's defaults, so the server's own origins (as it allows them by
// default) are listed again beside the dev page's: its own app keeps working under `pnpm run dev`.
const ownOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
const devOrigins = [`http://127.0.0.1:${webPort}`, `http://localhost:${webPort}`];
const env = {
  ...process.env,
  PORT: port,
  WEB_PORT: webPort,
  WS_TARGET: process.env.WS_TARGET ?? `http://127.0.0.1:${port}`,
  ALLOWED_ORIGINS: [process.env.ALLOWED_ORIGINS ?? ownOrigins, devOrigins].join(','),
};

const children = [
  // From the repository root, as `npm start` runs it: the same `./data` (DATA_DIR's default).
  spawn(bin('tsx'), ['--conditions=@liveline/source', 'packages/server/src/main.ts'], {
    cwd: root,
    env,
    stdio: 'inherit',
  }),
  spawn(bin('vite'), [], { cwd: web, env, stdio: 'inherit' }),
];

let stopping = false;
const stop = (code) => {
  if (stopping) return;
  stopping = true;
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
      process.kill(child.pid, 'SIGTERM');
  process.exitCode = code;
};

for (const child of children) child.once('exit', (code) => stop(code ?? 1));
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));
