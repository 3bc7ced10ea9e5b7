/**
 * vitest's global setup: starts one moto server (and, when the run includes
 * PostgreSQL tests, one PostgreSQL server) for the whole run, hands their
 * environment to every test file (test/setup/environment.ts), and stops
 * them at the end.
 */
import type { TestProject } from 'vitest/node';
import { MotoServer } from '../../local/emulator/moto-server.js';
import { assertNodeVersion } from '../../local/node-version.js';
import { localAwsEnvironment } from '../../local/stack/environment.js';
import { startPostgresIfNeeded } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Environment variables every test file runs with (the emulator's endpoint, PostgreSQL's). */
    havenEnv: Record<string, string>;
  }
}

/**
 * Retry waits in the tests' Step Functions run at a tenth of the template's
 * (2 s becomes 0.2 s): failure tests exercise every attempt of a Retry
 * without sleeping through its backoff. The attempts are the template's.
 */
const RETRY_WAIT_SCALE = 0.1;

/** Starts the shared servers; the returned function stops them. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  assertNodeVersion();
  const server = new MotoServer({ retryWaitScale: RETRY_WAIT_SCALE });
  const endpoint = await server.start();
  process.stderr.write(`[test] moto server at ${endpoint}\n`);
  const postgres = await startPostgresIfNeeded(cliFilters());
  project.provide('havenEnv', { ...localAwsEnvironment(endpoint), HAVEN_TEST_EMULATOR: endpoint, ...postgres.env });
  return async () => {
    await postgres.stop();
    await server.stop();
  };
}

/**
 * The test files named on the command line (`npm test -- test/vault/chunker.test.ts`),
 * so PostgreSQL starts only when one of them may need it; empty (start it)
 * when the run is the whole suite or names a folder or pattern.
 */
function cliFilters(): string[] {
  const args = process.argv.slice(2).filter((a) => !a.startsWith('-') && !['run', 'watch'].includes(a));
  return args.length > 0 && args.every((a) => a.endsWith('.test.ts')) ? args : [];
}
