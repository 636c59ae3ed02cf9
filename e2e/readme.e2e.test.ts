import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { ROOT } from './support/liveline';

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Runs a README line through a shell in the repository root, as a reader pastes it. */
const shell = (line: string, env: NodeJS.ProcessEnv = {}) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('sh', ['-c', line], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
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

it('(8) the README’s token line, as written, mints a token with the secret from the environment', async () => {
  const line = /^pnpm run token .*$/m.exec(README)?.[0];
  expect(line).toBeDefined();
  const { code, output } = await shell(line!, { LIVELINE_AUTH_SECRET: 'x'.repeat(32) });
  expect(code).toBe(0);
  const token = /\beyJ[\w-]+\.[\w-]+\.[\w-]+/.exec(output)?.[0] ?? '';
  const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sub?: string;
    name?: string;
    scope?: string;
    aud?: string;
  };
  expect(claims).toMatchObject({
    sub: 'alice',
    name: 'Alice',
    scope: 'board:*:write transport:*:control',
    aud: 'liveline',
  });
});
