import { defineConfig } from 'vitest/config';

// End-to-end tests: the built app and the built server as separate processes, driven in Debian's
// Chromium through playwright-core. They need `pnpm -r build` first (the README test command does it).
export default defineConfig({
  test: {
    name: 'e2e',
    root: import.meta.dirname,
    include: ['**/*.e2e.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
