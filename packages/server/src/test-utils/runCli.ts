import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onTestCleanup } from './index.js';

const packageDir = fileURLToPath(new URL('../..', import.meta.url));

/** How a `liveline` run ended and what it printed. */
export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Options of {@link runCli}. */
export interface RunCliOptions {
  /** The script to run, relative to the package. @default 'src/cli.ts' (the command) */
  readonly entry?: string;
}

/**
 * Runs the real `liveline` command (`src/cli.ts` in one node process, tsx as a loader, so its PID
 * is the one to kill) with `env` added to this process's; SIGKILLed after the test if still running.
 */
export function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: RunCliOptions = {},
): Promise<CliRun> {
  const child = spawn(
    process.execPath,
    ['--conditions=@liveline/source', '--import', 'tsx', options.entry ?? 'src/cli.ts', ...args],
    { cwd: packageDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } },
  );
  onTestCleanup(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
