/**
 * Starts a throwaway PostgreSQL server for the test files that need one
 * (file names containing `postgres`), or for the whole suite; other runs
 * don't pay for it. The endpoint reaches test processes as JSON in
 * `HAVEN_TEST_POSTGRES`.
 */
import { POSTGRES_ENV, PostgresServer } from '../../local/postgres/server.js';

/** A started (or skipped) server: environment for the test processes and a stop function. */
export interface PostgresSetup {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** Starts PostgreSQL when `files` is empty (the whole suite) or names a PostgreSQL test. */
export async function startPostgresIfNeeded(files: string[]): Promise<PostgresSetup> {
  if (process.env[POSTGRES_ENV] || (files.length > 0 && !files.some((f) => /postgres/i.test(f)))) return { env: {}, stop: async () => {} };
  const server = new PostgresServer();
  const endpoint = await server.start();
  process.stderr.write(`[test] PostgreSQL at ${endpoint.host}:${endpoint.port}\n`);
  return { env: { [POSTGRES_ENV]: JSON.stringify(endpoint) }, stop: () => server.stop() };
}
