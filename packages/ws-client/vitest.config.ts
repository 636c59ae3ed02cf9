import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@liveline/source', 'node', 'development|production'] },
  test: {
    name: 'ws-client',
    environment: 'jsdom',
    setupFiles: ['./src/test-setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
