/**
 * The connection settings of a PostgreSQL source or target, read at run time
 * from the Secrets Manager secret the job names (`secret_arn`). The secret is
 * a JSON object in the RDS layout: `host`, `port` (default 5432), `dbname`
 * (or `database`), `username` (or `user`), `password`, and TLS settings:
 * `sslmode` (`disable`, `require`, `verify-full`; default `verify-full`) and
 * an optional PEM `ssl_ca`. Nothing read here is ever logged or recorded.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { secretsManagerClient } from '../../vault/aws/clients.js';
import { SecretUnavailableError } from './errors.js';

/** TLS modes the source understands (libpq's names). */
export const SslMode = { Disable: 'disable', Require: 'require', VerifyFull: 'verify-full' } as const;
export type SslMode = (typeof SslMode)[keyof typeof SslMode];

/** What a secret resolves to; hand it only to `pg`. */
export interface PostgresConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  password: string;
  ssl: false | { rejectUnauthorized: boolean; ca?: string };
}

function field(secret: Record<string, unknown>, names: string[], arn: string): string {
  for (const name of names) {
    const value = secret[name];
    if (typeof value === 'string' && value.length > 0) return value;
    if (typeof value === 'number') return String(value);
  }
  throw new SecretUnavailableError(`secret ${arn} has no ${names.join(' or ')}`);
}

/**
 * Parses a secret's JSON into connection settings.
 * @throws SecretUnavailableError when the JSON or a required field is missing or invalid
 */
export function parseConnectionSecret(text: string, arn: string): PostgresConnection {
  let secret: Record<string, unknown>;
  try {
    secret = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new SecretUnavailableError(`secret ${arn} is not a JSON object`);
  }
  if (!secret || typeof secret !== 'object') throw new SecretUnavailableError(`secret ${arn} is not a JSON object`);
  const port = Number(secret.port ?? 5432);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new SecretUnavailableError(`secret ${arn} has an invalid port`);
  const mode = String(secret.sslmode ?? SslMode.VerifyFull) as SslMode;
  if (!Object.values(SslMode).includes(mode)) throw new SecretUnavailableError(`secret ${arn}: sslmode must be one of ${Object.values(SslMode).join(', ')}`);
  const ca = typeof secret.ssl_ca === 'string' ? secret.ssl_ca : undefined;
  return {
    host: field(secret, ['host'], arn),
    port,
    database: field(secret, ['dbname', 'database'], arn),
    user: field(secret, ['username', 'user'], arn),
    password: field(secret, ['password'], arn),
    ssl: mode === SslMode.Disable ? false : { rejectUnauthorized: mode === SslMode.VerifyFull, ...(ca ? { ca } : {}) },
  };
}

/**
 * Reads and parses a connection secret.
 * @throws SecretUnavailableError when the secret is missing, unreadable or malformed
 */
export async function readConnectionSecret(arn: string, client: SecretsManagerClient = secretsManagerClient()): Promise<PostgresConnection> {
  let text: string | undefined;
  try {
    text = (await client.send(new GetSecretValueCommand({ SecretId: arn }))).SecretString;
  } catch (error) {
    throw new SecretUnavailableError(`cannot read secret ${arn} (${(error as Error).name})`);
  }
  if (!text) throw new SecretUnavailableError(`secret ${arn} has no string value`);
  return parseConnectionSecret(text, arn);
}
