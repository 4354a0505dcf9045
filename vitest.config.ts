import { defineConfig } from 'vitest/config';

// Two projects, runnable apart (`npm run test:unit`, `npm run test:int`; `npx vitest run` runs both):
// - unit: no server besides in-process ones (PGlite, Fastify inject, SQLite files in a temp dir);
// - integration: real servers (PostgreSQL, Kamailio, SIPp) or both programs at once (desktop +
//   hub): `*.int.test.ts`, `*.pg.test.ts` and test-int/. They share ports and 2 cores, so their
//   files run one at a time.
const INTEGRATION = ['src-*/**/*.int.test.ts', 'src-*/**/*.pg.test.ts', 'test-int/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['*.test.ts', 'src-shared/**/*.test.ts', 'src-renderer/**/*.test.ts', 'src-main/**/*.test.ts', 'src-hub/**/*.test.ts'],
          exclude: INTEGRATION,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION,
          fileParallelism: false,
        },
      },
    ],
  },
});
