/**
 * A bin of this package with the URL of every module it resolves appended to
 * `RESOLVED_MODULES_FILE` by recordResolvedHook.ts, registered before anything of the server is
 * loaded: the server (`main.ts`), or with `RESOLVED_MODULES_BIN=cli` the `liveline` command
 * (`cli.ts`, given this process's arguments). Spawned by `spawnServer` or `runCli` with the
 * `entry` and `env` of a `recordModules()`.
 */
import { register } from 'node:module';

register('./recordResolvedHook.ts', import.meta.url, { data: process.env.RESOLVED_MODULES_FILE });
await (process.env.RESOLVED_MODULES_BIN === 'cli' ? import('../cli.js') : import('../main.js'));
