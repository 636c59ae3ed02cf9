import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/liveline';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Runs a README line through a shell in the repository root, as a reader pastes it. */
const shell = (line: string) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('sh', ['-c', line], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('close', (code) => resolve({ code, output }));
  });

it('(8) the README never says `pnpm doctor`, which runs pnpm’s own doctor', () => {
  const bare = README.split('\n').filter((line) => /\bpnpm doctor\b/.test(line));
  expect(bare).toEqual([]);
});

it('(8) the README’s doctor line, as written, fails against a port nobody listens on', async () => {
  const line = /^pnpm run doctor http:\/\/127\.0\.0\.1:8000$/m.exec(README)?.[0];
  expect(line).toBeDefined();
  // Port 1 on loopback: nothing listens there, so every check must fail with "refused".
  const { code, output } = await shell(line!.replace(':8000', ':1'));
  expect(code).not.toBe(0);
  expect(output).toMatch(/nothing is listening|ECONNREFUSED|refused/i);
});
