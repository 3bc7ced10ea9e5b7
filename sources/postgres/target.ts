/**
 * A PostgreSQL database as a restore target. `prepare` applies the conflict
 * policy and creates what is missing (schemas, enum types, serial sequences,
 * bare tables); each partition loads in its own transaction that first
 * empties its key range (the whole table for an unsplit table: that is
 * `overwrite_existing`'s truncate), then `COPY … FROM STDIN`, then checks
 * the range's row count and checksum against the backup's before it
 * commits; `finish` adds constraints, indexes, foreign keys (last) and
 * sequence values.
 */
import { from as copyFrom } from 'pg-copy-streams';
import type pg from 'pg';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { ByteReader } from '../byte-reader.js';
import { InvalidSourceConfigError, RestoreConflictError, SourceNotFoundError } from '../errors.js';
import { ConflictPolicy, type RestoreFinishOptions, type RestorePrepareOptions, type RestoreResult, type RestoreTarget } from '../source.js';
import { ident, qualified } from './connection.js';
import { parsePostgresConfig, type PostgresConfig } from './config.js';
import { addConstraint, createEnum, createIndex, createSequence, createTable, ownSequence, setSequence } from './ddl.js';
import { PostgresEndpoint } from './endpoint.js';
import type { PostgresConnection } from './secret.js';
import { postgresError, TableValidationError } from './errors.js';
import { rangeCondition } from './partitions.js';
import type { ConstraintSchema, PostgresDescription, TableSchema } from './schema.js';
import { columnList, decodeHeader, MAX_HEADER_BYTES, rangeChecksum, type TableDataHeader } from './table-data.js';

const READ_CHUNK = 1024 * 1024;
/** Stands in for `secret_arn` when the connection is given: never read (the endpoint has the connection). */
const UNREAD_SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:haven-connection-given';

function parseDescription(described: Record<string, unknown>): PostgresDescription {
  if (described.kind !== 'postgresql' || !Array.isArray(described.tables)) throw new InvalidSourceConfigError('the backup is not of a PostgreSQL source');
  return described as unknown as PostgresDescription;
}

async function existingTables(client: pg.Client, tables: TableSchema[]): Promise<Set<string>> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT n.nspname || '.' || c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND (n.nspname || '.' || c.relname) = ANY($1::text[])`,
    [tables.map((t) => `${t.schema}.${t.name}`)],
  );
  return new Set(rows.map((r) => r.name));
}

async function exists(client: pg.Client, sql: string, params: unknown[]): Promise<boolean> {
  return (await client.query(sql, params)).rowCount! > 0;
}

/** A PostgreSQL database Haven can restore into (the same tables, schema-qualified as in the backup). */
export class PostgresRestoreTarget implements RestoreTarget {
  readonly config: PostgresConfig;
  private readonly endpoint: PostgresEndpoint;

  /**
   * @param options.connection - connection settings to use instead of reading the secret (the DR CLI's `PG*` variables); `config` then needs no `secret_arn`
   * @throws InvalidSourceConfigError for a missing secret ARN
   */
  constructor(config: Record<string, unknown>, options: { connection?: PostgresConnection } = {}) {
    this.config = parsePostgresConfig(options.connection && config.secret_arn === undefined ? { ...config, secret_arn: UNREAD_SECRET_ARN } : config);
    this.endpoint = new PostgresEndpoint(this.config, options.connection);
  }

  private async session<T>(what: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
    const settings = await this.endpoint.settings();
    const where = `${what} in PostgreSQL database ${settings.database} at ${settings.host}:${settings.port}`;
    let client: pg.Client | undefined;
    try {
      client = await this.endpoint.pool.acquire();
      const result = await work(client);
      // Its work done outside any transaction: the next partition (or `finish`'s next lane) may take the session.
      await this.endpoint.pool.release(client);
      client = undefined;
      return result;
    } catch (error) {
      await client?.query('ROLLBACK').catch(() => {});
      await client?.end().catch(() => {});
      throw postgresError(error, where);
    }
  }

  /**
   * Applies the conflict policy and creates missing tables (with their schemas, enum types and serial sequences).
   * @throws RestoreConflictError for `fail_if_exists` when a table holds rows; SourceNotFoundError when a table is missing and may not be created
   */
  async prepare(options: RestorePrepareOptions, described: Record<string, unknown>): Promise<void> {
    const description = parseDescription(described);
    if (options.conflict_policy === ConflictPolicy.SkipExisting) throw new InvalidSourceConfigError('PostgreSQL restores support fail_if_exists and overwrite, not skip_existing');
    await this.session('restore target', async (client) => {
      const present = await existingTables(client, description.tables);
      if (options.conflict_policy === ConflictPolicy.FailIfExists) {
        const full: string[] = [];
        for (const table of description.tables.filter((t) => present.has(`${t.schema}.${t.name}`))) {
          if (await exists(client, `SELECT 1 FROM ${qualified(table.schema, table.name)} LIMIT 1`, [])) full.push(`${table.schema}.${table.name}`);
        }
        if (full.length > 0) throw new RestoreConflictError(`the target already holds rows in ${full.join(', ')} (fail_if_exists)`);
      }
      const missing = description.tables.filter((t) => !present.has(`${t.schema}.${t.name}`));
      if (missing.length === 0) return;
      if (options.create_missing_tables === false) throw new SourceNotFoundError(`table ${missing.map((t) => `${t.schema}.${t.name}`).join(', ')} (create_missing_tables is off)`);
      await client.query('BEGIN');
      for (const schema of new Set(missing.map((t) => t.schema))) await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(schema)}`);
      for (const type of description.enums) {
        if (!(await exists(client, 'SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2', [type.schema, type.name]))) {
          await client.query(`CREATE SCHEMA IF NOT EXISTS ${ident(type.schema)}`);
          await client.query(createEnum(type));
        }
      }
      for (const table of missing) {
        for (const seq of table.sequences.filter((s) => s.kind === 'serial')) await client.query(createSequence(seq));
        await client.query(createTable(table));
        for (const seq of table.sequences.filter((s) => s.kind === 'serial')) await client.query(ownSequence(table, seq));
      }
      await client.query('COMMIT');
    });
  }

  /**
   * Loads one partition in one transaction: empty its range, COPY, check count and checksum, commit.
   * @throws TableValidationError when the loaded range differs from the backup's (nothing is committed)
   */
  async restore(stream: AsyncIterable<Uint8Array>, _options: unknown): Promise<RestoreResult> {
    const reader = new ByteReader(stream);
    const header = decodeHeader(await reader.readLine(MAX_HEADER_BYTES));
    const table = qualified(header.s, header.t);
    return this.session(`table ${header.s}.${header.t}`, async (client) => {
      // The partition's commit need not wait for the disk: finish's statements commit after it, with the server's setting, and flush it too.
      await client.query('BEGIN; SET LOCAL synchronous_commit = off');
      await withoutForeignKeyChecks(client);
      await emptyRange(client, header);
      async function* body(): AsyncGenerator<Uint8Array> {
        for (let chunk = await reader.readChunk(READ_CHUNK); chunk; chunk = await reader.readChunk(READ_CHUNK)) yield chunk;
      }
      const copy = client.query(copyFrom(`COPY ${table} (${columnList(header.columns)}) FROM STDIN`));
      await pipeline(Readable.from(body(), { objectMode: false }), copy);
      // The rows the server read from the stream (its `COPY n`): no scan of the bytes here for newlines.
      const rows = copy.rowCount;
      const loaded = await rangeChecksum(client, header);
      if (rows !== header.rows || loaded.rows !== header.rows || loaded.checksum !== header.checksum) {
        throw new TableValidationError(
          `table ${header.s}.${header.t}: the backup holds ${header.rows} rows (checksum ${header.checksum}); the stream had ${rows}, the target now holds ${loaded.rows} (checksum ${loaded.checksum}); nothing was committed`,
        );
      }
      await client.query('COMMIT');
      return { records: rows, skipped: 0 };
    });
  }

  /**
   * Adds constraints and indexes that are missing, unless skipped, and sets sequence values,
   * on {@link FINISH_SESSIONS} sessions at once, the biggest tables first: every index build
   * (the tables' indexes, and the unique indexes plain primary keys and unique constraints
   * adopt), any two at once; then each table's primary key, unique, check and exclusion
   * constraints; then foreign keys (they need the referenced keys); then sequence values,
   * and a last commit that
   * flushes the WAL, so what the partitions committed without waiting for the disk
   * (`synchronous_commit = off`) is durable once this returns.
   */
  async finish(options: RestoreFinishOptions, described: Record<string, unknown>): Promise<void> {
    const description = parseDescription(described);
    const byName = new Map(description.tables.map((t) => [qualified(t.schema, t.name), t]));
    const { tables, keyed } = await this.session('restore target', async (client) => {
      const { rows } = await client.query<{ name: string; keys: string[] }>(
        `SELECT t.name, ARRAY(SELECT c.conname::text || '/' || c.contype::text FROM pg_catalog.pg_constraint c WHERE c.conrelid = t.name::pg_catalog.regclass) AS keys
           FROM unnest($1::text[]) WITH ORDINALITY t(name, i) ORDER BY pg_catalog.pg_relation_size(t.name::pg_catalog.regclass) DESC, t.i`,
        [[...byName.keys()]],
      );
      return { tables: rows.map((r) => byName.get(r.name)!), keyed: new Map(rows.map((r) => [byName.get(r.name)!, r.keys])) };
    });
    // A constraint already there (same name; any primary key) needs no index built for it.
    const missing = (table: TableSchema, c: ConstraintSchema) => !keyed.get(table)!.some((k) => k === `${c.name}/${c.type}` || (c.type === 'p' && k.endsWith('/p')));
    const onSessions = <T>(items: readonly T[], work: (client: pg.Client, item: T) => Promise<void>) => this.sessions(FINISH_SESSIONS, items, work);
    // Index builds first, any two at once (even of one table: CREATE INDEX locks it in SHARE mode, which does not conflict)…
    const builds = tables.flatMap((table) => [
      ...(options.skip_constraints ? [] : table.constraints.flatMap((c) => (missing(table, c) && adoptableIndex(table, c)) || [])),
      ...(options.skip_indexes ? [] : table.indexes.map((index) => createIndex(index.definition))),
    ]);
    await onSessions(builds, async (client, statement) => void (await client.query(statement)));
    // …then the constraints, which adopt those indexes, one table per session at a time (ALTER TABLE locks the table).
    if (!options.skip_constraints) {
      await onSessions(tables, (client, table) => addConstraints(client, table, ['p', 'u', 'c', 'x']));
      await onSessions(tables, (client, table) => addConstraints(client, table, ['f']));
    }
    await this.session('restore target', async (client) => {
      for (const table of description.tables) for (const seq of table.sequences) await client.query(setSequence(table, seq));
      // A transaction with an id commits with a WAL flush, which makes every partition's earlier commit durable even when nothing above wrote.
      await client.query('SELECT pg_catalog.txid_current()');
    });
  }

  /** Runs `work` for every item on up to `count` sessions at once, each taking the next item when done. */
  private async sessions<T>(count: number, items: readonly T[], work: (client: pg.Client, item: T) => Promise<void>): Promise<void> {
    let next = 0;
    const lanes = Math.max(1, Math.min(count, items.length));
    await Promise.all(
      Array.from({ length: lanes }, () =>
        this.session('restore target', async (client) => {
          while (next < items.length) await work(client, items[next++]!);
        }),
      ),
    );
  }
}

/** Sessions `finish` builds constraints and indexes on at once (pg_restore -j 2's parallelism). */
export const FINISH_SESSIONS = 2;

const PLAIN_KEY = /^(PRIMARY KEY|UNIQUE) (\([^()]*\))$/;

/**
 * For a plain primary key or unique constraint, the unique index it can adopt
 * (`ADD CONSTRAINT … USING INDEX`), so the index builds alongside the table's other indexes;
 * undefined for any other constraint (INCLUDE, WITH, DEFERRABLE… are added as they are).
 */
function adoptableIndex(table: TableSchema, constraint: ConstraintSchema): string | undefined {
  const plain = PLAIN_KEY.exec(constraint.definition);
  if (!plain || (constraint.type !== 'p' && constraint.type !== 'u')) return undefined;
  return `CREATE UNIQUE INDEX IF NOT EXISTS ${ident(constraint.name)} ON ${qualified(table.schema, table.name)} ${plain[2]!}`;
}

/** Adds a table's constraints of the given types that are not there yet (same name; any primary key), adopting their built index when there is one. */
async function addConstraints(client: pg.Client, table: TableSchema, types: readonly string[]): Promise<void> {
  for (const constraint of table.constraints.filter((c) => types.includes(c.type))) {
    const present = await exists(
      client,
      `SELECT 1 FROM pg_catalog.pg_constraint WHERE conrelid = $1::pg_catalog.regclass AND (conname = $2 OR ($3 = 'p' AND contype = 'p'))`,
      [qualified(table.schema, table.name), constraint.name, constraint.type],
    );
    if (present) continue;
    const adopted = adoptableIndex(table, constraint) ? { ...constraint, definition: `${PLAIN_KEY.exec(constraint.definition)![1]!} USING INDEX ${ident(constraint.name)}` } : constraint;
    await client.query(addConstraint(table, adopted));
  }
}

/**
 * Lets the load replace rows that existing foreign keys point at (overwrite into tables that
 * already have their constraints): `session_replication_role = replica` skips foreign-key
 * triggers for this transaction. It needs a superuser (or RDS's rds_superuser); without it the
 * load runs with checks on, which a fresh target doesn't need (its foreign keys come after the load).
 */
async function withoutForeignKeyChecks(client: pg.Client): Promise<void> {
  await client.query('SAVEPOINT haven_replica');
  try {
    await client.query('SET LOCAL session_replication_role = replica');
  } catch {
    await client.query('ROLLBACK TO SAVEPOINT haven_replica');
  }
}

/** Deletes the rows of a partition's range (TRUNCATE for a whole table, unless foreign keys forbid it). */
async function emptyRange(client: pg.Client, header: TableDataHeader): Promise<void> {
  const table = qualified(header.s, header.t);
  const condition = rangeCondition(header);
  if (condition !== 'TRUE') {
    await client.query(`DELETE FROM ${table} WHERE ${condition}`);
    return;
  }
  await client.query('SAVEPOINT haven_truncate');
  try {
    await client.query(`TRUNCATE TABLE ${table}`);
  } catch {
    // Referenced by a foreign key: delete row by row instead (slower, same result).
    await client.query('ROLLBACK TO SAVEPOINT haven_truncate');
    await client.query(`DELETE FROM ${table}`);
  }
}
