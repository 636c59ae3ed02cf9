import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ROOT } from './support/liveline';

// apt-get itself would change the machine and needs Debian's mirrors, so these tests put a
// stand-in first on PATH: it records its arguments and exits with the code the test gives it.
let bin = '';
afterEach(() => rmSync(bin, { recursive: true, force: true }));

/** Runs `ensureApt` for one package that is not installed, with the stand-in failing `install`s with `installCode`. */
const ensureMissing = (required: boolean, installCode: number) => {
  bin = mkdtempSync(join(tmpdir(), 'liveline-apt-'));
  const calls = join(bin, 'calls');
  writeFileSync(
    join(bin, 'apt-get'),
    `#!/bin/sh\necho "$*" >> ${calls}\n[ "$1" = install ] && exit ${installCode}\nexit 0\n`,
  );
  chmodSync(join(bin, 'apt-get'), 0o755);
  const script =
    `import('./scripts/lib/bootstrap.mjs').then((m) => m.ensureApt(` +
    `[{ name: 'liveline-absent', bin: '/nonexistent/liveline-absent' }], { required: ${required} }))`;
  const child = spawnSync(process.execPath, ['-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, PATH: `${bin}:${process.env.PATH}` },
  });
  const log = (() => {
    try {
      return readFileSync(calls, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  })();
  return { code: child.status, output: child.stdout + child.stderr, calls: log };
};

it('npm test’s bootstrap installs a missing apt package: apt-get update, then install of exactly what is missing', () => {
  const { code, calls } = ensureMissing(true, 0);
  expect(calls).toEqual(['update -qq', 'install -y -qq liveline-absent']);
  expect(code).toBe(0);
});

it('npm test’s bootstrap stops with apt-get’s exit code when a required install fails', () => {
  const { code, output } = ensureMissing(true, 100);
  expect(code).toBe(100);
  expect(output).toContain('`apt-get install -y -qq liveline-absent` failed with exit code 100');
});

it('npm start’s bootstrap goes on without a package it could not install, and says so', () => {
  const { code, output } = ensureMissing(false, 100);
  expect(code).toBe(0);
  expect(output).toContain('could not install liveline-absent');
});
