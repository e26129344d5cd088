import { defineConfig } from 'vitest/config';

// The suite Stryker runs against each mutant (stryker.config.json): the unit tests, pure logic only.
// Stryker runs vitest in worker threads in its own process, which the embedded ClickHouse and the
// Kafka wire tests cannot share; for domain/ and shared/ the unit suite is the one that must bite.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    // Compiles the dev broker: a build check, not a test of the mutated logic. The study command's
    // test imports cli/study, and with it cli/runtime.ts and the embedded ClickHouse: it crashes a worker thread (SIGSEGV).
    exclude: ['**/node_modules/**', 'test/unit/shared/bus/dev-broker-build.test.ts', 'test/unit/cli/study/command.test.ts'],
    testTimeout: 60_000,
  },
});
