import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { onFreePort, spawnEngine, type EngineProcess } from './spawnEngine.js';

const DEBIAN_POSTGRES = '/usr/lib/postgresql';

/**
 * The directory of Debian's PostgreSQL server binaries (the newest major version; they are not on
 * PATH), else what `pg_config --bindir` names. Throws when there is none: `npm test` installs it.
 */
export function postgresBinDir(): string {
  const majors = existsSync(DEBIAN_POSTGRES)
    ? readdirSync(DEBIAN_POSTGRES)
        .filter((major) => existsSync(join(DEBIAN_POSTGRES, major, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (majors[0] !== undefined) return join(DEBIAN_POSTGRES, majors[0], 'bin');
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'postgres'))) return dir;
  } catch {
    // no pg_config either
  }
  throw new Error(
    `no PostgreSQL server binaries under ${DEBIAN_POSTGRES}/*/bin nor from pg_config: install Debian's postgresql (npm test does)`,
  );
}

/** The uid and gid of the `postgres` user: PostgreSQL refuses to run as root. */
const postgresUser = (): { uid: number; gid: number } => {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((entry) => entry.startsWith('postgres:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined)
    throw new Error('no postgres user: install Debian postgresql (npm test does)');
  return { uid: Number(uid), gid: Number(gid) };
};

/**
 * Creates an empty database `name` on the cluster `url` connects to and returns the new database's
 * URL.
 */
export async function createDatabase(url: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const database = new URL(url);
  database.pathname = `/${name}`;
  return database.href;
}

/** A throwaway PostgreSQL cluster a test started. */
export interface TestPostgres {
  readonly port: number;
  /** The running postmaster; {@link TestPostgres.restart} replaces it. */
  readonly process: EngineProcess;
  /** A connection URL of database `name` (default `postgres`). */
  url(name?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  /** Stops the cluster (fast shutdown) and removes its directory. */
  stop(): Promise<void>;
  /** Stops the cluster, runs `whileDown`, and starts it again on the same port and data. */
  restart(whileDown?: () => Promise<void>): Promise<void>;
}

/**
 * Initializes a cluster as `postgres` in a temporary directory it owns (trust auth, no fsync) and
 * starts it in the foreground on a free loopback port; the postmaster's PID is the child's.
 */
export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const user = postgresUser();
  const dir = mkdtempSync(join(tmpdir(), 'liveline-pg-'));
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    chownSync(dir, user.uid, user.gid);
    execFileSync(
      'runuser',
      ['-u', 'postgres', '--', join(bin, 'initdb'), '-D', dir, '-A', 'trust', '-U', 'postgres'],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } },
    );
    const spawnPostgres = (port: number): Promise<EngineProcess> =>
      spawnEngine({
        name: 'postgres',
        command: join(bin, 'postgres'),
        args: [
          ...['-D', dir, '-p', String(port), '-k', dir],
          ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
          // fsync off survives a killed process (the OS keeps the pages), not a machine crash.
          ...['-c', 'full_page_writes=off'],
        ],
        user,
        readyLine: /database system is ready to accept connections/,
        // SIGINT is PostgreSQL's fast shutdown: it ends sessions instead of waiting for them.
        stopSignal: 'SIGINT',
      });
    const started = await onFreePort(
      async (port) => ({ port, process: await spawnPostgres(port) }),
      (error) => /Address already in use/.test(error.output),
    );
    let current = started.process;
    const url = (name = 'postgres'): string =>
      `postgres://postgres@127.0.0.1:${started.port}/${name}`;
    return {
      port: started.port,
      get process() {
        return current;
      },
      url,
      createDatabase: (name) => createDatabase(url(), name),
      async stop() {
        await current.stop();
        cleanup();
      },
      async restart(whileDown) {
        await current.stop();
        await whileDown?.();
        current = await spawnPostgres(started.port);
      },
    };
  } catch (error) {
    cleanup();
    throw error;
  }
}
