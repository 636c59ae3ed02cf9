import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { onTestCleanup } from './index.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));
/**
 * How long a spawned node may take to listen. Its start waits on nothing fixed (only an unreachable
 * Redis, 2 s): it is ~1.8 s of CPU for a cluster node and ~1.25 s for an embedded one (which loads
 * no pg or redis), nearly all loading modules, which tsx's hooks make two to three times as costly
 * as from dist/. Three nodes starting at once on 2 cores took 7 s at load 5 and passed 15 s at
 * load 11.
 */
const START_WAIT_MS = 30_000;

/** A `liveline-server` child process. */
export interface ServerChild {
  readonly process: ChildProcess;
  readonly origin: string;
  readonly port: number;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
}

/** Options of {@link spawnServer}. */
export interface SpawnServerOptions {
  /** Port to listen on. @default 0 */
  readonly port?: number;
  /** Extra environment (`STAGE_DURATION_MS`, …). */
  readonly env?: Record<string, string>;
  /** Extra CLI flags. */
  readonly args?: readonly string[];
  /** `ulimit -f` of the child in 512-byte blocks: no file may grow past it (a full disk, even for root). */
  readonly fileSizeBlocks?: number;
  /** The script to run, relative to the package. @default 'src/main.ts' (the bin) */
  readonly entry?: string;
}

/** A started `liveline-server` process that may not be listening (yet, or ever). */
export type BinChild = Omit<ServerChild, 'origin' | 'port'>;

/**
 * Spawns the real bin (`src/main.ts` through tsx as a loader, TOOLCHAIN P14, so the child's PID is
 * the server's) on `dataDir`, rendering no video unless `env` asks; it is SIGKILLed by PID after
 * the test if it is still running.
 */
export function spawnBin(dataDir: string, options: SpawnServerOptions = {}): BinChild {
  const node = [
    process.execPath,
    '--conditions=@liveline/source',
    '--import',
    'tsx',
    options.entry ?? 'src/main.ts',
    ...(options.args ?? []),
  ];
  const [command, ...args] =
    options.fileSizeBlocks === undefined
      ? node
      : ['/bin/sh', '-c', `ulimit -f ${options.fileSizeBlocks} && exec "$0" "$@"`, ...node];
  const child = spawn(command ?? process.execPath, args, {
    cwd: packageDir,
    env: {
      ...process.env,
      PORT: String(options.port ?? 0),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // Like startTestServer: no video unless a test asks (RENDER_VIDEO=true) for one.
      RENDER_VIDEO: 'false',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close', not 'exit': only then has everything the child wrote been read.
  const exited = new Promise<number | null>((resolve) =>
    child.on('close', (code) => resolve(code)),
  );
  onTestCleanup(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { process: child, exited, output: () => output };
}

/** Spawns the real bin ({@link spawnBin}) and waits until it listens. */
export async function spawnServer(
  dataDir: string,
  options: SpawnServerOptions = {},
): Promise<ServerChild> {
  const bin = spawnBin(dataDir, options);
  const listening = () => /listening on (http:\/\/\S+)/.exec(bin.output())?.[1];
  await expect
    .poll(
      () => listening() ?? (bin.process.exitCode === null ? undefined : `exited: ${bin.output()}`),
      { timeout: START_WAIT_MS, interval: 20 },
    )
    .toMatch(/^http:/);
  const origin = listening() ?? '';
  return { ...bin, origin, port: Number(new URL(origin).port) };
}
