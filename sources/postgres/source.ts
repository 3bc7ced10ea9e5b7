/**
 * A PostgreSQL database as a backup source. `describe` and `plan` run in one
 * REPEATABLE READ transaction whose snapshot is exported and held (see
 * `snapshot-holder.ts`), or that imports the snapshot a holder in another
 * process exported (`holdSnapshot` there, `importSnapshot` here); each partition imports that snapshot and streams
 * its table (or key range) with `COPY … TO STDOUT` in bounded memory, after
 * a header line with the range's row count and checksum read in the same
 * snapshot (see `table-data.ts`).
 */
import type pg from 'pg';
import { SourceNotFoundError } from '../errors.js';
import type { BackupSource, CurrentSnapshot, HeldSnapshot, PartitionPlan, PlanOptions, RecordCounter } from '../source.js';
import { DEFAULT_MAX_PARTITIONS } from '../source.js';
import { literal } from './connection.js';
import { parsePostgresConfig, type PostgresConfig } from './config.js';
import { PostgresEndpoint } from './endpoint.js';
import type { PostgresConnection } from './secret.js';
import { isSnapshotGone, postgresError } from './errors.js';
import { DEFAULT_ROWS_PER_PARTITION, parsePartitionSpec, planPartitions } from './partitions.js';
import { captureSchema, listTables, type PostgresDescription } from './schema.js';
import { tableFilter } from './selection.js';
import { closeSnapshotHolder, exportingTransaction, exportSnapshot, heldSession, heldSnapshots, holdSnapshot as registerHolder, HOLDER_APPLICATION, lockTables, parseSnapshotRef, useSnapshot, type SnapshotRef } from './snapshot-holder.js';
import { CopyOut } from './copy-out.js';
import { tableBytes } from './statistics.js';
import { copyOutStatement, encodeHeader, exportColumns, rangeChecksum, type TableDataHeader } from './table-data.js';
import { TableValidationError } from './errors.js';

const GLOB_CHARS = /[*?[\]{}]/;
export { HOLDER_APPLICATION };

/** What `describe` returns: the captured schema, the snapshot, and the selected tables' bytes on disk (the plan's size estimate). */
export type SourceDescription = PostgresDescription & { size_bytes: number };

/** A PostgreSQL database (a selection of its tables) that Haven can back up. */
export class PostgresSource implements BackupSource {
  readonly config: PostgresConfig;
  private readonly endpoint: PostgresEndpoint;
  private held: Promise<{ client: pg.Client; snapshot: string; description: SourceDescription }> | undefined;
  /** The snapshot another process holds, when `describe` and `plan` import it. */
  private imported: SnapshotRef | undefined;
  /** Reads the holder chain's current ref (`importSnapshot`'s `current`). */
  private current: CurrentSnapshot | undefined;

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

  /**
   * Opens the transaction `describe` and `plan` read in: one that exports its
   * snapshot, held by this process, and locks the selected tables; or, after
   * `importSnapshot`, one that imports the snapshot another process holds
   * (which holds the locks). Captures the selected tables.
   */
  private hold() {
    this.held ??= (async () => {
      const imported = this.imported;
      const client = await this.endpoint.open();
      let snapshot: SnapshotRef | undefined;
      try {
        if (imported) {
          await this.beginInSnapshot(client, imported.id);
          snapshot = this.imported ?? imported; // the generation it imported
        } else {
          snapshot = await exportSnapshot(client);
          registerHolder(snapshot.id, client);
        }
        const schema = await captureSchema(client, tableFilter(this.config));
        const description: SourceDescription = { ...schema, snapshot, size_bytes: await tableBytes(client, schema.tables) };
        this.assertNamedTablesExist(description.tables, description.database);
        if (!imported) await lockTables(client, description.tables);
        return { client, snapshot: snapshot.id, description };
      } catch (error) {
        if (snapshot && !imported) await closeSnapshotHolder(snapshot.id);
        else await client.end().catch(() => {});
        throw postgresError(error, await this.where());
      }
    })();
    this.held.catch(() => (this.held = undefined));
    return this.held;
  }

  private assertNamedTablesExist(tables: ReadonlyArray<{ schema: string; name: string }>, database: string): void {
    const missing = (this.config.tables ?? [])
      .filter((name) => !GLOB_CHARS.test(name))
      .filter((name) => !tables.some((t) => (name.includes('.') ? `${t.schema}.${t.name}` : t.name) === name));
    if (missing.length > 0) throw new SourceNotFoundError(`table ${missing.join(', ')} in ${database}`);
  }

  /**
   * Exports a snapshot for other processes and holds it: the holder session
   * (`application_name` {@link HOLDER_APPLICATION}) starts REPEATABLE READ READ
   * ONLY, exports its snapshot and takes ACCESS SHARE locks on the selected
   * tables. Its `ref` is what `importSnapshot` takes.
   *
   * @param from - another holder's `ref`: this one takes over its instant (imports it, locks the
   *   same tables without waiting, exports it again under its own id), so the other may end
   * @throws DatabaseUnreachableError, DatabaseAuthError, SourceNotFoundError (database or a named table), StatementTimeoutError (a lock wait;
   *   with `from`, a conflicting lock held or queued), SnapshotUnavailableError (`from`'s holder has ended), InvalidSourceConfigError (`from` is no reference)
   */
  async holdSnapshot(from?: Record<string, unknown>): Promise<HeldSnapshot> {
    const previous = from === undefined ? undefined : parseSnapshotRef(from).id;
    const client = await this.endpoint.open();
    try {
      const ref = await exportSnapshot(client, previous);
      const tables = await listTables(client, tableFilter(this.config));
      this.assertNamedTablesExist(tables, (await this.endpoint.settings()).database);
      await lockTables(client, tables, previous !== undefined);
      return heldSession(client, ref);
    } catch (error) {
      await client.end().catch(() => {});
      throw postgresError(error, await this.where());
    }
  }

  /**
   * Makes `describe`, `plan` and `export` read the snapshot another process holds (`holdSnapshot`'s `ref`;
   * for `export`, instead of the planned id, which a holder that handed over has ended).
   * @throws InvalidSourceConfigError when `ref` is not a PostgreSQL snapshot reference
   */
  importSnapshot(ref: Record<string, unknown>, current?: CurrentSnapshot): void {
    this.imported = parseSnapshotRef(ref);
    this.current = current;
    this.held = undefined;
  }

  /**
   * Starts `client`'s REPEATABLE READ READ ONLY transaction in `snapshot`. A
   * holder that handed the instant on ends its id a grace period after its
   * successor published: when the id is already gone, reads the current ref
   * and, while it names another id, tries that one (the same instant), so
   * that a handoff between reading a ref and importing it costs nothing.
   * The ref it moved to becomes the imported one (the newest: later partitions start from it).
   * @throws what the server threw for the last id tried (SnapshotExpired once no newer id is published)
   */
  private async beginInSnapshot(client: pg.Client, id: string): Promise<void> {
    for (let tried = id; ; ) {
      try {
        await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SET TRANSACTION SNAPSHOT ${literal(tried)}`);
        return;
      } catch (error) {
        if (!isSnapshotGone(error) || !this.current) throw error;
        await client.query('ROLLBACK');
        const ref = await this.current();
        const next = ref ? parseSnapshotRef(ref) : undefined;
        if (!next || next.id === tried) throw error;
        this.imported = next;
        tried = next.id;
      }
    }
  }

  /**
   * The selected tables' definitions, read in the backup's snapshot (opens and holds it on first use).
   * @throws DatabaseUnreachableError, DatabaseAuthError, SourceNotFoundError (database or a named table), StatementTimeoutError
   */
  async describe(): Promise<SourceDescription> {
    return (await this.hold()).description;
  }

  /** One partition per table, key ranges for big tables with a one-column primary key. */
  async plan(options: PlanOptions = {}): Promise<PartitionPlan[]> {
    const { client, snapshot, description } = await this.hold();
    try {
      return await planPartitions(client, description.tables, snapshot, this.config.rows_per_partition ?? DEFAULT_ROWS_PER_PARTITION, options.maxPartitions ?? DEFAULT_MAX_PARTITIONS);
    } catch (error) {
      // No partition will ever read this snapshot: let it go now rather than when the holder idles out.
      if (!this.imported) await closeSnapshotHolder(snapshot);
      this.held = undefined;
      throw postgresError(error, await this.where());
    } finally {
      // An importing session holds nothing the partitions need: the holder keeps the snapshot.
      if (this.imported) {
        this.held = undefined;
        await client.end().catch(() => {});
      }
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
    // The exporting transaction, named in the snapshot id: a later session that reuses the pid is never touched.
    const transaction = exportingTransaction(snapshot.id);
    if (!transaction) return;
    let client: pg.Client | undefined;
    try {
      client = await this.endpoint.open();
      await client.query(
        `SELECT pg_catalog.pg_terminate_backend(a.pid) FROM pg_catalog.pg_stat_activity a
          WHERE a.pid = $1 AND a.application_name = $2 AND a.datname = pg_catalog.current_database()
            AND EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.pid = a.pid AND l.locktype = 'virtualxid' AND l.virtualxid = $3)`,
        [snapshot.holder_pid, HOLDER_APPLICATION, transaction],
      );
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
    // The holder current now (a chain of holders re-exports the planned instant under new ids), else the planned one.
    const snapshotId = this.imported?.id ?? spec.x;
    const what = `table ${spec.s}.${spec.t} in ${await this.where()}`;
    let client: pg.Client | undefined;
    let clean = false;
    try {
      client = await this.endpoint.pool.acquire();
      await this.beginInSnapshot(client, snapshotId);
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
      clean = true;
    } catch (error) {
      throw postgresError(error, what);
    } finally {
      release();
      // Committed: the next partition may take the session; otherwise (an error, a reader that stopped early) it ends.
      if (client && clean) await this.endpoint.pool.release(client);
      else await client?.end().catch(() => {});
    }
  }
}
