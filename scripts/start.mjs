// `npm start`: install what is missing, build, and serve the app and every route on one origin.
// PORT, HOST, DATA_DIR (and ALLOWED_ORIGINS, LOG_LEVEL) override the defaults; flags pass through.
import { join } from 'node:path';
import {
  ensureApt,
  ensurePnpm,
  installDependencies,
  MEDIA_PACKAGES,
  must,
  ROOT,
} from './lib/bootstrap.mjs';
import { superviseServer } from './lib/superviseServer.mjs';

ensureApt(MEDIA_PACKAGES, { required: false });
ensurePnpm();
installDependencies();
must('pnpm', ['-r', 'build']);

superviseServer([join(ROOT, 'packages/server/dist/main.js'), ...process.argv.slice(2)], {
  cwd: ROOT,
  env: { PORT: '8000', HOST: '127.0.0.1', ...process.env },
});
