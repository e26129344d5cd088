import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The server store runs the same conformance suite as chDB wherever a server URL is given.
    exclude: ['**/node_modules/**', ...(process.env.CLICKHOUSE_TEST_URL ? [] : ['test/integration/shared/store/server-store.test.ts'])],
    // Each test file gets its own process: the embedded ClickHouse engine binds one data folder per process.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    globalSetup: ['test/global-setup.ts'],
    // `npm test` runs with --coverage and fails under these floors; a single `npx vitest run <file>` does not collect.
    coverage: {
      provider: 'v8',
      include: ['services/**/*.ts', 'shared/**/*.ts', 'cli/**/*.ts'],
      exclude: ['**/*.d.ts', 'services/api/static/**'],
      reporter: ['text-summary', 'json-summary'],
      reportsDirectory: 'coverage',
      // Set just under what the whole suite reached when they were last measured (docs/contributing.md).
      thresholds: { lines: 70, statements: 70, functions: 70, branches: 60 },
    },
  },
});
