import { spawn, type ChildProcess } from 'node:child_process';

/** A child process started by a test, stopped by its PID. */
export interface TestProcess {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Sends `signal` to the process and waits for it to exit. */
  readonly stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Spawns `args` with node and resolves once its output matches `ready`. */
export async function startProcess(
  args: readonly string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; ready: RegExp; timeoutMs?: number },
): Promise<TestProcess> {
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    // Readiness is matched against plain text; CI=true would otherwise make tools colour it.
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: 'pipe',
  });
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not ready in time:\n${output}`)),
      options.timeoutMs ?? 20_000,
    );
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before ready:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined)
        process.kill(child.pid, signal);
      await exited;
    },
  };
}
