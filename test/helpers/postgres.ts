/**
 * PostgreSQL helpers for tests: the server `test/run.ts` started (see
 * test/postgres-setup.ts), databases, connection secrets in the emulator's
 * Secrets Manager, and table digests for comparing databases.
 */
import { CreateSecretCommand } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { secretsManagerClient } from '../../vault/aws/clients.js';
import { POSTGRES_ENV, type PostgresEndpoint } from '../../local/postgres/server.js';
import { uniqueName } from './names.js';

/** The test server's endpoint. */
export function testPostgres(): PostgresEndpoint {
  const value = process.env[POSTGRES_ENV];
  if (!value) throw new Error(`${POSTGRES_ENV} is not set: run PostgreSQL tests through test/run.ts`);
  return JSON.parse(value) as PostgresEndpoint;
}

/** A connected client (superuser unless told otherwise); the caller ends it. */
export async function connect(database: string, overrides: Partial<PostgresEndpoint> = {}): Promise<pg.Client> {
  const client = new pg.Client({ ...testPostgres(), database, ...overrides });
  await client.connect();
  await client.query("SET TimeZone = 'UTC'; SET extra_float_digits = 3");
  return client;
}

/** Runs statements in a database. */
export async function sql<T extends pg.QueryResultRow = pg.QueryResultRow>(database: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = await connect(database);
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

/** Creates an empty database with a unique name. */
export async function createDatabase(prefix: string): Promise<string> {
  const name = uniqueName(prefix).toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await sql('postgres', `CREATE DATABASE ${name}`);
  return name;
}

/** Stores a connection secret (RDS layout, TLS off on 127.0.0.1) in the emulator; returns its ARN. */
export async function createConnectionSecret(database: string, overrides: Record<string, unknown> = {}): Promise<string> {
  const server = testPostgres();
  const secret = { host: server.host, port: server.port, dbname: database, username: server.user, password: server.password, sslmode: 'disable', ...overrides };
  const out = await secretsManagerClient().send(new CreateSecretCommand({ Name: uniqueName('pg-secret'), SecretString: JSON.stringify(secret) }));
  return out.ARN!;
}

/** Row count and an ordered digest of every row's text of each table in the selected schemas. */
export async function databaseDigest(database: string, schemas = ['public', 'sales']): Promise<Record<string, { rows: number; md5: string }>> {
  const client = await connect(database);
  try {
    const tables = await client.query<{ name: string }>(
      `SELECT n.nspname || '.' || c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' AND n.nspname = ANY($1) ORDER BY 1`,
      [schemas],
    );
    const digest: Record<string, { rows: number; md5: string }> = {};
    for (const { name } of tables.rows) {
      const [schema, table] = name.split('.') as [string, string];
      const q = `"${schema}"."${table}"`;
      const { rows } = await client.query<{ n: string; md5: string }>(`SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS md5 FROM ${q} t`);
      digest[name] = { rows: Number(rows[0]!.n), md5: rows[0]!.md5 };
    }
    return digest;
  } finally {
    await client.end();
  }
}

/** Definitions of constraints, indexes and sequence values of a database's tables, for schema comparison. */
export async function databaseObjects(database: string): Promise<{ constraints: string[]; indexes: string[]; sequences: string[]; columns: string[] }> {
  const client = await connect(database);
  try {
    await client.query("SET search_path = ''");
    const constraints = await client.query<{ d: string }>(
      `SELECT c.conrelid::regclass::text || ' ' || c.conname || ' ' || pg_get_constraintdef(c.oid) AS d FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname IN ('public', 'sales') AND c.contype <> 'n' ORDER BY 1`,
    );
    const indexes = await client.query<{ d: string }>(`SELECT indexdef AS d FROM pg_indexes WHERE schemaname IN ('public', 'sales') ORDER BY 1`);
    const sequences = await client.query<{ d: string }>(`SELECT schemaname || '.' || sequencename || ' ' || coalesce(last_value::text, 'null') AS d FROM pg_sequences WHERE schemaname IN ('public', 'sales') ORDER BY 1`);
    const columns = await client.query<{ d: string }>(
      `SELECT table_schema || '.' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') || ' ' || is_identity || ' ' || coalesce(generation_expression, '') AS d
         FROM information_schema.columns WHERE table_schema IN ('public', 'sales') ORDER BY 1`,
    );
    return { constraints: constraints.rows.map((r) => r.d), indexes: indexes.rows.map((r) => r.d), sequences: sequences.rows.map((r) => r.d), columns: columns.rows.map((r) => r.d) };
  } finally {
    await client.end();
  }
}
