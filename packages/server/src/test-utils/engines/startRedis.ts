import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onFreePort, spawnEngine, type EngineProcess } from './spawnEngine.js';

/** Debian's redis-server (`npm test` installs it). */
export const REDIS_SERVER = '/usr/bin/redis-server';

/** A throwaway Redis a test started. */
export interface TestRedis {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** The running process; {@link TestRedis.restart} replaces it. */
  readonly process: EngineProcess;
  /** Stops it (SIGTERM, no save) and removes its directory. */
  stop(): Promise<void>;
  /**
   * Kills this Redis (SIGKILL, a crash), runs `whileDown`, and starts a fresh one on the same
   * port: empty, unless the test had it SAVE.
   */
  restart(whileDown?: () => Promise<void>): Promise<void>;
  /**
   * Kills this Redis and starts it again from the dataset its last SAVE wrote, loaded
   * `keyLoadDelayUs` µs per key (Redis's own test setting `key-load-delay`); resolves once it
   * takes connections, which it answers LOADING until `CONFIG SET key-load-delay 0` lets it finish.
   */
  restartLoading(keyLoadDelayUs: number): Promise<void>;
  /**
   * Stops this Redis (SIGSTOP: its sockets stay open and nothing is answered, as on a host that
   * hangs), runs `whileStopped`, and lets it go on (SIGCONT), also when `whileStopped` throws.
   */
  freeze(whileStopped: () => Promise<void>): Promise<void>;
}

const spawnRedis = (
  port: number,
  dir: string,
  {
    extraArgs = [],
    readyLine = /Ready to accept connections/,
  }: { readonly extraArgs?: readonly string[]; readonly readyLine?: RegExp } = {},
): Promise<EngineProcess> =>
  spawnEngine({
    name: 'redis-server',
    command: REDIS_SERVER,
    // No persistence: a restarted Redis is empty, like one that lost its memory.
    args: [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      ...extraArgs,
    ],
    readyLine,
    stopSignal: 'SIGTERM',
  });

/** Starts redis-server in the foreground on a free loopback port. */
export async function startRedis(): Promise<TestRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'liveline-redis-'));
  const started = await onFreePort(
    async (port) => ({ port, process: await spawnRedis(port, dir) }),
    (error) => /Address already in use/.test(error.output),
  ).catch((error: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  });
  let current = started.process;
  return {
    port: started.port,
    url: `redis://127.0.0.1:${started.port}`,
    get process() {
      return current;
    },
    async stop() {
      await current.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    async restart(whileDown) {
      await current.kill();
      await whileDown?.();
      current = await spawnRedis(started.port, dir);
    },
    async restartLoading(keyLoadDelayUs) {
      await current.kill();
      current = await spawnRedis(started.port, dir, {
        // Events are served between keys only every this many bytes of the file (1024 at least).
        extraArgs: [
          '--key-load-delay',
          String(keyLoadDelayUs),
          '--loading-process-events-interval-bytes',
          '1024',
        ],
        // Printed once it listens, as it starts loading.
        readyLine: /Loading RDB produced by/,
      });
    },
    async freeze(whileStopped) {
      process.kill(current.pid, 'SIGSTOP');
      try {
        await whileStopped();
      } finally {
        process.kill(current.pid, 'SIGCONT');
      }
    },
  };
}
