import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@liveline/source', 'node', 'development|production'] },
  test: {
    name: 'protocol',
    environment: 'node',
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
