/**
 * The bin (`main.ts`), with the URL of every module it resolves appended to
 * `RESOLVED_MODULES_FILE` by recordResolvedHook.ts, registered before anything of the server is
 * loaded. Started by `spawnServer(dataDir, { entry })`.
 */
import { register } from 'node:module';

register('./recordResolvedHook.ts', import.meta.url, { data: process.env.RESOLVED_MODULES_FILE });
await import('../main.js');
