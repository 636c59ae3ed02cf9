import { defineProject } from 'vitest/config';

const conditions = ['@liveline/source', 'node', 'development|production'];

// Node-environment tests resolve through Vite's SSR environment, which reads `ssr.resolve`:
// without it, workspace packages would silently resolve to their last build in dist/.
export default defineProject({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: { name: 'server', environment: 'node', testTimeout: 20_000, hookTimeout: 20_000 },
});
