import { defineConfig } from 'vitest/config';

// Unit and integration tests of every package and app; end-to-end tests live in e2e/ and need a build.
export default defineConfig({
  test: { projects: ['packages/*', 'apps/*'] },
});
