/**
 * Opening sessions: a `pg` client from the secret's settings, with session
 * settings that make COPY's text output the same on every server (ISO dates
 * in UTC, full float precision, hex bytea, an empty search path so every
 * name the catalog prints is schema-qualified), and no parallel query plans.
 */
import pg from 'pg';
import { postgresError } from './errors.js';
import type { PostgresConnection } from './secret.js';

/** Session options. */
export interface SessionOptions {
  /** Cancels any statement that runs longer (0 or absent: no limit). */
  statementTimeoutMs?: number;
  /** Gives up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
}

const SESSION_SETTINGS = [
  "SET DateStyle = 'ISO, YMD'",
  "SET IntervalStyle = 'postgres'",
  "SET TimeZone = 'UTC'",
  'SET extra_float_digits = 3',
  "SET bytea_output = 'hex'",
  "SET client_encoding = 'UTF8'",
  "SET search_path = ''",
  'SET idle_in_transaction_session_timeout = 0',
  // A range's checksum as a parallel plan cost a third more server CPU (worker start-up and
  // coordination: 0.83-0.89 s against 0.65 s for the bench's 4 ranges of 250,000 rows) for a
  // shorter statement; a backup already runs partitions side by side, and the source's CPU is what
  // it takes from the database's own work. `CREATE INDEX` (max_parallel_maintenance_workers) keeps its workers.
  'SET max_parallel_workers_per_gather = 0',
].join('; ');

/** Where a connection goes, for messages (never the credentials). */
export function describeServer(connection: PostgresConnection): string {
  return `PostgreSQL database ${connection.database} at ${connection.host}:${connection.port}`;
}

/**
 * Connects and applies the session settings.
 * @throws DatabaseUnreachableError, DatabaseAuthError, SourceNotFoundError (no such database)
 */
export async function openSession(connection: PostgresConnection, options: SessionOptions = {}): Promise<pg.Client> {
  const client = new pg.Client({
    host: connection.host,
    port: connection.port,
    database: connection.database,
    user: connection.user,
    password: connection.password,
    ssl: connection.ssl,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    application_name: 'haven',
    keepAlive: true,
  });
  // A dropped connection surfaces through the pending query; this keeps it from crashing the process.
  client.on('error', () => {});
  try {
    await client.connect();
    await client.query(SESSION_SETTINGS);
    if (options.statementTimeoutMs) {
      await client.query(`SET statement_timeout = ${Math.floor(options.statementTimeoutMs)}; SET lock_timeout = ${Math.floor(options.statementTimeoutMs)}`);
    }
  } catch (error) {
    await client.end().catch(() => {});
    throw postgresError(error, describeServer(connection));
  }
  return client;
}

/** Quotes an identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A schema-qualified, quoted table name. */
export function qualified(schema: string, table: string): string {
  return `${ident(schema)}.${ident(table)}`;
}

/** Quotes a string literal (standard_conforming_strings is on in every supported server). */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
