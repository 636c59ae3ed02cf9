#!/usr/bin/env node
// `pnpm dev`: the Liveline server on 8000 (from TypeScript source) and Vite on 127.0.0.1:5173
// together. Ctrl-C stops both, each killed by its own PID.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(web, 'node_modules/.bin', name);
const port = process.env.PORT ?? '8000';
const webPort = process.env.WEB_PORT ?? '5173';
const env = {
  ...process.env,
  PORT: port,
  WEB_PORT: webPort,
  WS_TARGET: process.env.WS_TARGET ?? `http://127.0.0.1:${port}`,
  // The dev origin is allowed explicitly; the server's origin check stays on.
  ALLOWED_ORIGINS:
    process.env.ALLOWED_ORIGINS ?? `http://127.0.0.1:${webPort},http://localhost:${webPort}`,
};

const children = [
  spawn(bin('tsx'), ['--conditions=@liveline/source', '../../packages/server/src/main.ts'], {
    cwd: web,
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
