import { configDefaults, defineProject } from 'vitest/config';

const conditions = ['@liveline/source', 'node', 'development|production'];

/**
 * Node-environment tests resolve through Vite's SSR environment, which reads `ssr.resolve`:
 * without it, workspace packages would silently resolve to their last build in dist/.
 */
export const fromSource = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
};

/** The storage contract suite, which runs in its own project (vitest.contract.config.ts). */
export const STORAGE_CONTRACT = 'src/storage/*.contract.test.ts';

/** How long a test, and a hook, may take. */
export const TIMEOUTS = { testTimeout: 20_000, hookTimeout: 20_000 };

export default defineProject({
  ...fromSource,
  test: {
    name: 'server',
    environment: 'node',
    ...TIMEOUTS,
    exclude: [...configDefaults.exclude, STORAGE_CONTRACT],
  },
});
