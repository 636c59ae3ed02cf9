import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@liveline/source', 'node', 'development|production'] },
  test: { name: 'server', environment: 'node', testTimeout: 20_000, hookTimeout: 20_000 },
});
