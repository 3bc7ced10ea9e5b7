/**
 * A PostgreSQL connection from libpq's standard environment variables, for
 * `haven vault restore --to-postgres` without `--secret-arn`: `PGHOST`
 * (default `localhost`), `PGPORT` (5432), `PGDATABASE` (default: the user
 * name), `PGUSER` (default: the login name), `PGPASSWORD`, `PGSSLMODE`
 * (`disable`, `require` or `verify-full`, as Haven's secrets; default
 * `verify-full`, or `disable` when `PGHOST` is a Unix socket directory) and `PGSSLROOTCERT` (a PEM file of the CA to trust). The
 * password is never taken from the command line, never printed.
 */
import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { SslMode, type PostgresConnection } from '../../sources/postgres/secret.js';
import { UsageError } from '../api/errors.js';

/** The variables read, by role. */
export const PgEnv = {
  Host: 'PGHOST',
  Port: 'PGPORT',
  Database: 'PGDATABASE',
  User: 'PGUSER',
  Password: 'PGPASSWORD',
  SslMode: 'PGSSLMODE',
  SslRootCert: 'PGSSLROOTCERT',
} as const;

/**
 * The connection the `PG*` variables describe.
 * @param env - the environment (default `process.env`)
 * @param database - overrides `PGDATABASE`
 * @throws UsageError for a bad port or TLS mode, or an unreadable CA file
 */
export function connectionFromEnv(env: NodeJS.ProcessEnv = process.env, database?: string): PostgresConnection {
  const get = (name: string) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const user = get(PgEnv.User) ?? userInfo().username;
  const port = Number(get(PgEnv.Port) ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`${PgEnv.Port} must be a port number, got ${JSON.stringify(env[PgEnv.Port])}`);
  const host = get(PgEnv.Host) ?? 'localhost';
  // A Unix socket directory carries no TLS.
  const mode = get(PgEnv.SslMode) ?? (host.startsWith('/') ? SslMode.Disable : SslMode.VerifyFull);
  if (!(Object.values(SslMode) as string[]).includes(mode)) throw new UsageError(`${PgEnv.SslMode} must be one of ${Object.values(SslMode).join(', ')}, got ${JSON.stringify(mode)}`);
  const caFile = get(PgEnv.SslRootCert);
  let ca: string | undefined;
  try {
    ca = caFile ? readFileSync(caFile, 'utf8') : undefined;
  } catch (error) {
    throw new UsageError(`cannot read ${PgEnv.SslRootCert} ${caFile}: ${(error as Error).message}`);
  }
  return {
    host,
    port,
    database: database ?? get(PgEnv.Database) ?? user,
    user,
    password: get(PgEnv.Password) ?? '',
    ssl: mode === SslMode.Disable ? false : { rejectUnauthorized: mode === SslMode.VerifyFull, ...(ca ? { ca } : {}) },
  };
}
