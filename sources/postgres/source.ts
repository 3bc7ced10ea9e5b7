/**
 * A PostgreSQL database as a backup source. `describe` and `plan` run in one
 * REPEATABLE READ transaction whose snapshot is exported and held (see
 * `snapshot-holder.ts`); each partition imports that snapshot and streams
 * its table (or key range) with `COPY … TO STDOUT` in bounded memory, after
 * a header line with the range's row count and checksum read in the same
 * snapshot (see `table-data.ts`).
 */
import type pg from 'pg';
import { SourceNotFoundError } from '../errors.js';
import type { BackupSource, PartitionPlan, PlanOptions, RecordCounter } from '../source.js';
import { DEFAULT_MAX_PARTITIONS } from '../source.js';
import { literal, qualified } from './connection.js';
import { parsePostgresConfig, type PostgresConfig } from './config.js';
import { PostgresEndpoint } from './endpoint.js';
import type { PostgresConnection } from './secret.js';
import { postgresError } from './errors.js';
import { DEFAULT_ROWS_PER_PARTITION, parsePartitionSpec, planPartitions } from './partitions.js';
import { captureSchema, type PostgresDescription } from './schema.js';
import { tableFilter } from './selection.js';
import { closeSnapshotHolder, heldSnapshots, holdSnapshot, useSnapshot } from './snapshot-holder.js';
import { CopyOut } from './copy-out.js';
import { copyOutStatement, encodeHeader, exportColumns, rangeChecksum, type TableDataHeader } from './table-data.js';
import { TableValidationError } from './errors.js';

const GLOB_CHARS = /[*?[\]{}]/;
/** The `application_name` of snapshot-holding sessions (so `release` terminates only those). */
export const HOLDER_APPLICATION = 'haven-snapshot-holder';

/** A PostgreSQL database (a selection of its tables) that Haven can back up. */
export class PostgresSource implements BackupSource {
  readonly config: PostgresConfig;
  private readonly endpoint: PostgresEndpoint;
  private held: Promise<{ client: pg.Client; snapshot: string; description: PostgresDescription }> | undefined;

  /**
   * @param options.connection - connection settings to use instead of reading the secret (the bench)
   * @throws InvalidSourceConfigError for a missing secret ARN or an invalid glob
   */
  constructor(config: Record<string, unknown>, options: { connection?: PostgresConnection } = {}) {
    this.config = parsePostgresConfig(config);
    tableFilter(this.config);
    this.endpoint = new PostgresEndpoint(this.config, options.connection);
  }

  private async where(): Promise<string> {
    const settings = await this.endpoint.settings();
    return `PostgreSQL database ${settings.database} at ${settings.host}:${settings.port}`;
  }

  /** Opens the snapshot-exporting transaction, locks and captures the selected tables. */
  private hold() {
    this.held ??= (async () => {
      const client = await this.endpoint.open();
      let snapshot: string | undefined;
      try {
        await client.query(`SET application_name = ${literal(HOLDER_APPLICATION)}`);
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const exported = (await client.query<{ id: string; pid: number }>('SELECT pg_catalog.pg_export_snapshot() AS id, pg_catalog.pg_backend_pid() AS pid')).rows[0]!;
        snapshot = exported.id;
        holdSnapshot(snapshot, client);
        const description: PostgresDescription = { ...(await captureSchema(client, tableFilter(this.config))), snapshot: { id: exported.id, holder_pid: exported.pid } };
        this.assertNamedTablesExist(description);
        if (description.tables.length > 0) {
          await client.query(`LOCK TABLE ${description.tables.map((t) => qualified(t.schema, t.name)).join(', ')} IN ACCESS SHARE MODE`);
        }
        return { client, snapshot, description };
      } catch (error) {
        if (snapshot) await closeSnapshotHolder(snapshot);
        else await client.end().catch(() => {});
        throw postgresError(error, await this.where());
      }
    })();
    this.held.catch(() => (this.held = undefined));
    return this.held;
  }

  private assertNamedTablesExist(description: PostgresDescription): void {
    const missing = (this.config.tables ?? [])
      .filter((name) => !GLOB_CHARS.test(name))
      .filter((name) => !description.tables.some((t) => (name.includes('.') ? `${t.schema}.${t.name}` : t.name) === name));
    if (missing.length > 0) throw new SourceNotFoundError(`table ${missing.join(', ')} in ${description.database}`);
  }

  /**
   * The selected tables' definitions, read in the backup's snapshot (opens and holds it on first use).
   * @throws DatabaseUnreachableError, DatabaseAuthError, SourceNotFoundError (database or a named table), StatementTimeoutError
   */
  async describe(): Promise<PostgresDescription> {
    return (await this.hold()).description;
  }

  /** One partition per table, key ranges for big tables with a one-column primary key. */
  async plan(options: PlanOptions = {}): Promise<PartitionPlan[]> {
    const { client, snapshot, description } = await this.hold();
    try {
      return await planPartitions(client, description.tables, snapshot, this.config.rows_per_partition ?? DEFAULT_ROWS_PER_PARTITION, options.maxPartitions ?? DEFAULT_MAX_PARTITIONS);
    } catch (error) {
      // No partition will ever read this snapshot: let it go now rather than when the holder idles out.
      await closeSnapshotHolder(snapshot);
      this.held = undefined;
      throw postgresError(error, await this.where());
    }
  }

  /**
   * Ends the session holding the backup's snapshot: closed directly when this process holds it,
   * otherwise (another Lambda planned) terminated by its backend pid, checked against the
   * holder's `application_name` and the snapshot's transaction so no other session is touched.
   */
  async release(described: Record<string, unknown>): Promise<void> {
    const snapshot = (described as Partial<PostgresDescription>).snapshot;
    if (!snapshot) return;
    if (heldSnapshots().includes(snapshot.id)) {
      await closeSnapshotHolder(snapshot.id);
      return;
    }
    let client: pg.Client | undefined;
    try {
      client = await this.endpoint.open();
      await client.query('SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_catalog.pg_stat_activity WHERE pid = $1 AND application_name = $2 AND datname = pg_catalog.current_database()', [
        snapshot.holder_pid,
        HOLDER_APPLICATION,
      ]);
    } catch (error) {
      throw postgresError(error, await this.where());
    } finally {
      await client?.end().catch(() => {});
    }
  }

  /**
   * Imports the backup's snapshot and yields the partition's header line and its COPY text.
   * @throws SnapshotUnavailableError when the snapshot's holder has ended
   */
  async *export(partition: PartitionPlan, counter: RecordCounter): AsyncGenerator<Uint8Array> {
    const spec = parsePartitionSpec(partition);
    const release = useSnapshot(spec.x);
    const what = `table ${spec.s}.${spec.t} in ${await this.where()}`;
    let client: pg.Client | undefined;
    try {
      client = await this.endpoint.open();
      await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT ${literal(spec.x)}`);
      const columns = await exportColumns(client, spec.s, spec.t);
      const range = { s: spec.s, t: spec.t, ...(spec.k ? { k: spec.k, kt: spec.kt } : {}), ...(spec.lo !== undefined ? { lo: spec.lo } : {}), ...(spec.hi !== undefined ? { hi: spec.hi } : {}), ...columns };
      const sum = await rangeChecksum(client, range);
      const header: TableDataHeader = { v: 1, ...range, rows: sum.rows, checksum: sum.checksum };
      yield encodeHeader(header);
      const copy = client.query(new CopyOut(copyOutStatement(header)));
      const before = counter.records;
      for await (const chunk of copy as AsyncIterable<Buffer>) {
        counter.records = before + copy.rows;
        yield chunk;
      }
      counter.records = before + copy.rows;
      await client.query('COMMIT');
      if (copy.rows !== header.rows) throw new TableValidationError(`${what}: COPY wrote ${copy.rows} rows, the snapshot holds ${header.rows}`);
    } catch (error) {
      throw postgresError(error, what);
    } finally {
      release();
      await client?.end().catch(() => {});
    }
  }
}
