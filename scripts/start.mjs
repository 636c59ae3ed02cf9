// `npm start`: install what is missing, build, and serve the app and every route on one origin.
// PORT, HOST, DATA_DIR (and ALLOWED_ORIGINS, LOG_LEVEL) override the defaults; flags pass through.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  ensureApt,
  ensurePnpm,
  installDependencies,
  MEDIA_PACKAGES,
  must,
  ROOT,
} from './lib/bootstrap.mjs';

ensureApt(MEDIA_PACKAGES, { required: false });
ensurePnpm();
installDependencies();
must('pnpm', ['-r', 'build']);

const server = spawn(
  process.execPath,
  [join(ROOT, 'packages/server/dist/main.js'), ...process.argv.slice(2)],
  {
    cwd: ROOT,
    stdio: 'inherit',
    env: { PORT: '8000', HOST: '127.0.0.1', ...process.env },
  },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
// npm does not pass SIGTERM on to its script, so a supervisor that stops `npm start` by PID would
// orphan the server: stop it (gracefully) as soon as the process that started this one is gone.
const parent = process.ppid;
setInterval(() => process.ppid !== parent && server.kill('SIGTERM'), 1000).unref();
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
