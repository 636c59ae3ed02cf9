import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const TSX_LOADER = import.meta.resolve('tsx');
const hasTaskset = spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** Options of {@link spawnNode}. */
export interface SpawnNodeOptions {
  /** CPU core to pin the process to with `taskset`, when available. */
  readonly core?: number;
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra `node` flags (e.g. `--cpu-prof`). */
  readonly nodeFlags?: readonly string[];
  /** Opens an IPC channel (`process.send`) to the child. */
  readonly ipc?: boolean;
  /**
   * Resolves workspace packages from their TypeScript source (`@liveline/source`); false runs
   * their build, as `npm start` does. @default true
   */
  readonly fromSource?: boolean;
}

/**
 * Starts a TypeScript file in a new Node process through tsx, pinned to `core`. taskset execs
 * node, so the child's PID is node's own.
 */
export function spawnNode(file: URL, options: SpawnNodeOptions = {}): ChildProcess {
  const node = [
    process.execPath,
    ...(options.fromSource === false ? [] : ['--conditions=@liveline/source']),
    '--import',
    TSX_LOADER,
    ...(options.nodeFlags ?? []),
    fileURLToPath(file),
  ];
  const command =
    hasTaskset && options.core !== undefined
      ? ['taskset', '-c', String(options.core), ...node]
      : node;
  const [bin = process.execPath, ...args] = command;
  return spawn(bin, args, {
    env: { ...process.env, ...options.env },
    stdio: options.ipc ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
}

/** Resolves with the first JSON line a child prints on stdout, or rejects on exit or timeout. */
export function readyLine<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    if (!child.stdout) return reject(new Error('child has no stdout'));
    const lines = createInterface({ input: child.stdout });
    const finish = (error: Error | null, value?: T): void => {
      clearTimeout(timer);
      child.off('exit', onExit);
      lines.off('line', onLine);
      // Keep draining stdout so a chatty child never blocks on a full pipe.
      child.stdout?.resume();
      if (error) reject(error);
      else resolve(value as T);
    };
    const onLine = (line: string): void => {
      if (line.startsWith('{')) finish(null, JSON.parse(line) as T);
    };
    const onExit = (code: number | null): void =>
      finish(
        new Error(`child ${child.pid ?? '?'} exited (${code ?? 'signal'}) before it was ready`),
      );
    const timer = setTimeout(
      () => finish(new Error(`child ${child.pid ?? '?'} not ready after ${timeoutMs} ms`)),
      timeoutMs,
    );
    lines.on('line', onLine);
    child.on('exit', onExit);
  });
}

/** Stops a child by its PID: SIGTERM, then SIGKILL if it is still running after `graceMs`. */
export async function stopChild(child: ChildProcess, graceMs = 5000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const timer = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
  }, graceMs);
  await exited;
  clearTimeout(timer);
}
