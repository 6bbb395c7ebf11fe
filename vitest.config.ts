import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (in process: no Temporal server, browser, child process or database) answers
 * in seconds (`npm run test:unit`, on every core: vitest's default leaves one free, half of a 2-core
 * machine); `e2e` runs the real pieces (`*.e2e.test.ts`). `npm test` runs both.
 * Tests sit in folders that mirror the product: the tests of ingest/normalize.ts are under test/ingest/.
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/**/*.e2e.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'] } },
    ],
  },
});
