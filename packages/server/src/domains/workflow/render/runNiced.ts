import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { DetailedError } from '../../../errors.js';

/** Niceness of every render process: live traffic keeps the CPU when both want it. */
export const RENDER_NICENESS = 10;
const STDERR_TAIL_CHARS = 600;

/**
 * What a tool's stderr may say in words a watcher can act on, who is told no stderr: it may name
 * the server's paths.
 */
const PLAIN_CAUSES = [
  [/No space left on device/i, 'no space left on device'],
  [/Permission denied/i, 'permission denied'],
  [/Cannot allocate memory|Out of memory/i, 'out of memory'],
] as const;

/** The tool's name, how it ended and a plain cause if its stderr names one, for watchers. */
const publicFailure = (tool: string, ended: string, stderr: string): string => {
  const cause = PLAIN_CAUSES.find(([pattern]) => pattern.test(stderr))?.[1];
  return cause === undefined ? `${tool} ${ended}` : `${tool} ${ended}: ${cause}`;
};

/**
 * A render process failed. The message names the tool, how it ended and a plain cause if known;
 * `detail`, for the log, has its path and its last stderr lines.
 */
export class RenderProcessError extends DetailedError {
  override readonly name = 'RenderProcessError';
  readonly code = 'render_process_failed';
}

/**
 * Runs `command` under `nice`, calling `onLine` for each stdout line. Abort kills it with SIGKILL,
 * and so does running past `timeoutMs`, which rejects with a {@link RenderProcessError} saying so:
 * a hung encoder would otherwise hold the single renderer forever. The promise settles only once
 * the process has exited, so nothing outlives the call. util-linux's
 * `setpriv` (Essential in Debian) sets the parent-death signal, so a SIGKILLed server takes its
 * encoder with it instead of leaving it to write into a directory the next start sweeps. `setpriv`
 * and `nice` both exec, so the child's pid is the command's.
 */
export function runNiced(
  command: string,
  args: readonly string[],
  options: {
    cwd: string;
    signal: AbortSignal;
    /** How long the process may run before it is killed and the call fails, in ms. */
    timeoutMs: number;
    onLine?: (line: string) => void;
  },
): Promise<void> {
  const { signal, timeoutMs } = options;
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const niced = ['nice', '-n', String(RENDER_NICENESS), command, ...args];
    const child = spawn('setpriv', ['--pdeathsig', 'KILL', ...niced], {
      cwd: options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let partial = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS);
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    });
    const kill = (): void => {
      child.kill('SIGKILL');
    };
    signal.addEventListener('abort', kill, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    const settled = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
    };
    const tool = basename(command);
    child.on('error', (error: NodeJS.ErrnoException) => {
      settled();
      const message = `cannot run ${tool} (${error.code ?? 'spawn failed'})`;
      reject(new RenderProcessError(message, `${command}: ${error.message}`, { cause: error }));
    });
    child.on('close', (code, killedBy) => {
      settled();
      const detail = `${command}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`;
      if (signal.aborted) reject(signal.reason as Error);
      else if (timedOut)
        reject(
          new RenderProcessError(
            `${tool} ran longer than its limit of ${timeoutMs / 1000} s and was killed`,
            detail,
          ),
        );
      else if (code === 0) resolve();
      else {
        const ended =
          code === null ? `was killed by ${killedBy ?? 'a signal'}` : `exited with code ${code}`;
        reject(new RenderProcessError(publicFailure(tool, ended, stderr), detail));
      }
    });
  });
}
