import { defineProject } from 'vitest/config';
import { fromSource, STORAGE_CONTRACT, TIMEOUTS } from './vitest.config.js';

// The storage contract's files share one PostgreSQL cluster, which the global setup starts only
// when one of them runs; every case still gets a database of its own.
export default defineProject({
  ...fromSource,
  test: {
    name: 'storage contract',
    environment: 'node',
    ...TIMEOUTS,
    include: [STORAGE_CONTRACT],
    globalSetup: ['src/test-utils/engines/storageContractSetup.ts'],
  },
});
