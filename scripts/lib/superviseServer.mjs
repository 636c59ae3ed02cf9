// `npm start`'s hold on the server process: signals go on to it, and its end is this one's.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/**
 * Runs `node <args>` with inherited output, passes SIGINT and SIGTERM on to it, stops it once the
 * process that started this one is gone, and exits as it did: its code, or 128 + the number of
 * the signal that killed it (as a shell reports it; an OOM kill is 137, never 0).
 */
export function superviseServer(args, { cwd, env }) {
  const server = spawn(process.execPath, args, { cwd, stdio: 'inherit', env });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
  // npm does not pass SIGTERM on to its script, so a supervisor that stops `npm start` by PID would
  // orphan the server: stop it (gracefully, once) as soon as the process that started this one is
  // gone.
  const parent = process.ppid;
  const watchdog = setInterval(() => {
    if (process.ppid === parent) return;
    clearInterval(watchdog);
    server.kill('SIGTERM');
  }, 1000).unref();
  server.on('exit', (code, signal) => process.exit(code ?? 128 + constants.signals[signal]));
}
