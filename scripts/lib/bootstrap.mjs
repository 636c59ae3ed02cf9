// Fresh-machine bootstrap shared by `npm start` and `npm test`: only Node 20 and npm are assumed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const PNPM_VERSION = JSON.parse(
  readFileSync(join(ROOT, 'package.json'), 'utf8'),
).packageManager.split('@')[1];

/** Runs a command in the repo root with inherited output; returns its exit code. */
export function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', ...options });
  if (result.error) {
    console.error(`liveline: could not run ${command}: ${result.error.message}`);
    return 1;
  }
  return result.status ?? 1;
}

/** Runs a command and stops the script with its exit code if it fails; returns 0 otherwise. */
export function must(command, args, options) {
  const code = run(command, args, options);
  if (code !== 0) {
    console.error(`liveline: \`${[command, ...args].join(' ')}\` failed with exit code ${code}`);
    process.exit(code);
  }
  return code;
}

const output = (command, args) =>
  spawnSync(command, args, { cwd: ROOT, encoding: 'utf8' }).stdout?.trim();

/** Installs the pinned pnpm with npm when it is missing or another version. */
export function ensurePnpm() {
  if (output('pnpm', ['--version']) === PNPM_VERSION) return;
  console.log(`liveline: installing pnpm ${PNPM_VERSION} with npm`);
  must('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`, '--no-fund', '--no-audit']);
}

/**
 * What the render stage runs: Debian's ffmpeg 5.1 (libx264, aac, drawtext, xfade), espeak-ng 1.51
 * and the DejaVu fonts its cards are set in (docs/decisions.md says why apt and not npm).
 */
export const MEDIA_PACKAGES = [
  { name: 'ffmpeg', bin: '/usr/bin/ffmpeg' },
  { name: 'espeak-ng', bin: '/usr/bin/espeak-ng' },
  { name: 'fonts-dejavu-core', bin: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
];

const DEBIAN_POSTGRES = '/usr/lib/postgresql';

/** Debian's PostgreSQL server binary of any installed major version (they are not on PATH). */
const postgresServer = () => {
  const majors = existsSync(DEBIAN_POSTGRES) ? readdirSync(DEBIAN_POSTGRES) : [];
  const found = majors
    .map((major) => join(DEBIAN_POSTGRES, major, 'bin', 'postgres'))
    .find((bin) => existsSync(bin));
  return found ?? join(DEBIAN_POSTGRES, '<none>', 'bin', 'postgres');
};

/** What the cluster tests start on random ports: Redis, PostgreSQL and nginx (TOOLCHAIN.md §11). */
export const ENGINE_PACKAGES = [
  { name: 'redis-server', bin: '/usr/bin/redis-server' },
  { name: 'postgresql', bin: postgresServer() },
  { name: 'nginx', bin: '/usr/sbin/nginx' },
];

/** What the README's checks from the original documents run (e2e/readme.e2e.test.ts). */
export const CHECK_PACKAGES = [{ name: 'curl', bin: '/usr/bin/curl' }];

/**
 * Installs Debian packages whose binary (or file) is missing. Unless `required` is false a failed
 * install stops the script; otherwise it is reported and the script goes on without them.
 */
export function ensureApt(packages, { required = true } = {}) {
  const missing = packages.filter(({ bin }) => !existsSync(bin)).map(({ name }) => name);
  if (missing.length === 0) return;
  console.log(`liveline: installing ${missing.join(', ')} from apt`);
  const apt = required ? must : run;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const ok =
    apt('apt-get', ['update', '-qq']) === 0 &&
    apt('apt-get', ['install', '-y', '-qq', ...missing], { env }) === 0;
  if (!ok)
    console.warn(
      `liveline: could not install ${missing.join(', ')}; the server starts, and renders fail naming what is missing`,
    );
}

/** Installs the workspace's dependencies from the lockfile. */
export function installDependencies() {
  must('pnpm', ['install', '--frozen-lockfile', '--config.confirm-modules-purge=false'], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
