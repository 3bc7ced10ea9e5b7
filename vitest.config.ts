/**
 * The test suite (`npm test`): vitest over every `test/**\/*.test.ts`.
 * One moto server and one PostgreSQL server start once, in the global setup
 * (test/setup/global.ts), and reach every test file through the standard AWS
 * variables (test/setup/environment.ts). Files run in separate processes, two
 * at a time (`HAVEN_TEST_CONCURRENCY`); tests inside a file run in order.
 * Tests isolate by unique resource names, never by resetting the emulator.
 */
import { defineConfig } from 'vitest/config';

/** A workflow test runs a whole Step Functions execution on the local cloud: minutes, not seconds. */
const TEST_TIMEOUT_MS = 10 * 60_000;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/setup/global.ts'],
    setupFiles: ['test/setup/environment.ts'],
    pool: 'forks',
    maxWorkers: Number(process.env.HAVEN_TEST_CONCURRENCY ?? 2),
    testTimeout: TEST_TIMEOUT_MS,
    hookTimeout: TEST_TIMEOUT_MS,
    teardownTimeout: 60_000,
    reporters: [process.env.CI ? 'verbose' : 'default'],
    restoreMocks: true,
  },
});
