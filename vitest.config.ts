import { defineConfig } from 'vitest/config';

// Unit and integration tests of every package and app; end-to-end tests live in e2e/ and need a build.
// The server's storage contract files are a project of their own, sharing one PostgreSQL.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'packages/server/vitest.contract.config.ts'],
  },
});
