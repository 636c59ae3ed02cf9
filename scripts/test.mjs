// `npm test`: install what is missing (pnpm, dependencies, Debian's Chromium, ffmpeg, espeak-ng,
// the Redis, PostgreSQL and nginx the cluster tests start, and the README checks' curl), then
// lint, typecheck, build, run every unit/integration test and every end-to-end test, and print one
// honest count.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHECK_PACKAGES,
  ENGINE_PACKAGES,
  ensureApt,
  ensurePnpm,
  installDependencies,
  MEDIA_PACKAGES,
  ROOT,
  run,
} from './lib/bootstrap.mjs';
import { summarize } from './lib/summary.mjs';

const OUT = join(ROOT, '.ci', 'out');
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

ensureApt([
  { name: 'chromium', bin: '/usr/bin/chromium' },
  ...MEDIA_PACKAGES,
  ...ENGINE_PACKAGES,
  ...CHECK_PACKAGES,
]);
ensurePnpm();
installDependencies();

const steps = [];
const step = (name, args) =>
  steps.push({ name, ok: run('pnpm', args, { stdio: ['ignore', 'inherit', 'inherit'] }) === 0 });
step('lint', ['-s', 'lint']);
step('typecheck', ['-s', 'typecheck']);
step('build', ['-r', 'build']);

const vitest = (config, file) => {
  const args = [
    'exec',
    'vitest',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${file}`,
  ];
  return run('pnpm', config ? [...args, '--config', config] : args, {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
};
const suites = [
  {
    name: 'unit and integration',
    file: join(OUT, 'vitest.json'),
    code: vitest(null, join(OUT, 'vitest.json')),
  },
];
suites.push({
  name: 'end-to-end',
  file: join(OUT, 'e2e.json'),
  code: vitest('e2e/vitest.config.ts', join(OUT, 'e2e.json')),
});

process.exit(summarize(steps, suites));
