/**
 * The server as the bin starts it (its settings from the environment), but with the built-in
 * stages (paced by `STAGE_DURATION_MS`) wrapped so that each call of a stage appends
 * `<workflow id> <stage>` to `STAGE_CALLS_FILE`: a count of stage runs that survives a SIGKILL.
 * A stage named by `CRASH_STAGE` SIGKILLs the server when it starts, the way a stage that crashes
 * the process would. Started by `spawnServer(dataDir, { entry })`.
 */
import { appendFileSync } from 'node:fs';
import { STAGE_NAMES } from '@liveline/protocol';
import { parseCliOptions } from '../config/parseCliOptions.js';
import { createBuiltinStage, type BuiltinStageName } from '../domains/workflow/builtinStages.js';
import type { Stage } from '../domains/workflow/Stage.js';
import { startServer } from '../index.js';

const callsFile = process.env.STAGE_CALLS_FILE ?? '';
const stages = Object.fromEntries(
  STAGE_NAMES.filter((name): name is BuiltinStageName => name !== 'render').map(
    (name): [string, Stage] => {
      const stage = createBuiltinStage(name, Number(process.env.STAGE_DURATION_MS ?? 0));
      return [
        name,
        {
          run(input, ...rest) {
            appendFileSync(callsFile, `${input.id} ${name}\n`);
            if (name === process.env.CRASH_STAGE) process.kill(process.pid, 'SIGKILL');
            return stage.run(input, ...rest);
          },
        },
      ];
    },
  ),
);
const settings = parseCliOptions([], process.env);
const server = await startServer({
  ...(settings === 'help' ? {} : settings),
  port: Number(process.env.PORT ?? 0),
  dataDir: process.env.DATA_DIR ?? '',
  logLevel: 'warn',
  renderVideo: false,
  webDir: null,
  stages,
});
process.stdout.write(`Liveline server listening on ${server.origin}\n`);
process.once('SIGTERM', () => void server.stop().then(() => process.exit(0)));
