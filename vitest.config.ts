import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src-shared/**/*.test.ts', 'src-renderer/**/*.test.ts', 'src-main/**/*.test.ts', 'src-hub/**/*.test.ts', 'e2e/**/*.test.ts'],
    // Integration tests start real servers (Kamailio, PostgreSQL); on 2 cores, files run one at a time.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
