import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A database, broker or proxy process a test started; stopped by its PID, never by name. */
export interface EngineProcess {
  readonly pid: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
  /** Sends `signal` (the engine's clean stop) and waits; SIGKILLs it if it takes longer than 10 s. */
  stop(): Promise<void>;
  /** SIGKILLs it (a crash) and waits for the exit. */
  kill(): Promise<void>;
}

/** How to start an engine in the foreground and know that it is ready. */
export interface EngineSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Printed once the engine serves; otherwise `ready` is polled with the output so far. */
  readonly readyLine?: RegExp;
  readonly ready?: (output: string) => Promise<boolean>;
  /** Signal of a clean, quick stop. */
  readonly stopSignal: NodeJS.Signals;
  /** Run as this user (PostgreSQL refuses root). */
  readonly user?: { readonly uid: number; readonly gid: number };
  readonly timeoutMs?: number;
}

const running = new Set<number>();
// A worker that dies without its teardown must not leave engines behind: kill what is left by PID.
process.on('exit', () => {
  for (const pid of running) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** A port that was free a moment ago on 127.0.0.1 (engines that lose the race are started again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** The failure of an engine that did not become ready; `output` says why. */
export class EngineStartError extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(`${message}\n${output.slice(-4000)}`);
    this.name = 'EngineStartError';
  }
}

/** Starts an engine in the foreground and waits until it is ready, or throws with its output. */
export async function spawnEngine(spec: EngineSpec): Promise<EngineProcess> {
  const child = spawn(spec.command, spec.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(spec.user ?? {}),
  });
  let output = '';
  let exitedFlag = false;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exitedFlag = true;
      if (child.pid !== undefined) running.delete(child.pid);
      resolve();
    });
  });
  const spawned = await new Promise<number>((resolve, reject) => {
    child.once('spawn', () => resolve(child.pid ?? -1));
    child.once('error', (error) =>
      reject(
        new EngineStartError(`${spec.name}: cannot run ${spec.command}: ${error.message}`, ''),
      ),
    );
  });
  running.add(spawned);
  const signalAndWait = async (signal: NodeJS.Signals): Promise<void> => {
    if (exitedFlag) return;
    try {
      process.kill(spawned, signal);
    } catch {
      // it exited meanwhile
    }
    const timer = setTimeout(() => !exitedFlag && process.kill(spawned, 'SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const handle: EngineProcess = {
    pid: spawned,
    exited,
    output: () => output,
    stop: () => signalAndWait(spec.stopSignal),
    kill: () => signalAndWait('SIGKILL'),
  };
  const ready = new Promise<void>((resolve) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (spec.readyLine?.test(output)) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    if (spec.ready)
      void pollReady(
        spec.ready,
        () => output,
        () => exitedFlag,
      ).then(resolve);
  });
  const timeoutMs = spec.timeoutMs ?? 20_000;
  let timer: NodeJS.Timeout | undefined;
  const outcome = await Promise.race([
    ready.then(() => 'ready' as const),
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (outcome === 'ready') return handle;
  await handle.kill();
  throw new EngineStartError(
    outcome === 'exited'
      ? `${spec.name} exited before it was ready`
      : `${spec.name} was not ready within ${timeoutMs} ms`,
    output,
  );
}

const pollReady = async (
  ready: (output: string) => Promise<boolean>,
  output: () => string,
  gone: () => boolean,
): Promise<void> => {
  while (!gone()) {
    if (await ready(output()).catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/**
 * Starts an engine on a free port, starting it again on another one (at most 5 times) when it
 * lost the race for the port to another process.
 */
export async function onFreePort<T>(
  start: (port: number) => Promise<T>,
  portTaken: (error: EngineStartError) => boolean,
): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start(await freePort());
    } catch (error) {
      if (attempt >= 5 || !(error instanceof EngineStartError) || !portTaken(error)) throw error;
    }
  }
}
