/**
 * Partition planning: one partition per table, and tables with more rows
 * than `rowsPerPartition` and a one-column primary key split into key
 * ranges (`key >= lo AND key < hi`, the first open below and the last open
 * above, so together they cover every value). Row counts are the planner's
 * estimates and boundaries come from the key's histogram (no scan); a table
 * never analyzed is counted and its keys scanned instead. Boundaries travel
 * as text, cast back to the key's type. Each partition carries its
 * estimated bytes: its table's size on disk, or a range's equal share of it
 * (the ranges hold about equal rows).
 */
import type pg from 'pg';
import type { PartitionPlan } from '../source.js';
import { partitionName } from '../source.js';
import { ident, literal, qualified } from './connection.js';
import type { TableSchema } from './schema.js';
import { tableStatistics } from './statistics.js';
import { InvalidSourceConfigError } from '../errors.js';

/** Rows per partition unless the job says otherwise. */
export const DEFAULT_ROWS_PER_PARTITION = 250_000;

/** A partition's spec (kept short: it travels in Step Functions state). */
export interface PostgresPartitionSpec {
  /** schema */
  s: string;
  /** table */
  t: string;
  /** exported snapshot id */
  x: string;
  /** key column and type, when ranged */
  k?: string;
  kt?: string;
  /** lower bound (inclusive) and upper bound (exclusive), as text */
  lo?: string;
  hi?: string;
  /** estimated bytes: the table's size on disk (`statistics.ts`), or a key range's share of it */
  b?: number;
}

/** The spec of a planned partition. @throws InvalidSourceConfigError when it is not a PostgreSQL spec */
export function parsePartitionSpec(partition: PartitionPlan): PostgresPartitionSpec {
  const spec = partition.spec as Partial<PostgresPartitionSpec>;
  if (typeof spec.s !== 'string' || typeof spec.t !== 'string' || typeof spec.x !== 'string' || !/^[0-9A-Fa-f-]+$/.test(spec.x)) {
    throw new InvalidSourceConfigError(`partition ${partition.name} is not a PostgreSQL partition`);
  }
  return spec as PostgresPartitionSpec;
}

/** The WHERE clause of a spec's key range (`TRUE` for a whole table). */
export function rangeCondition(spec: Pick<PostgresPartitionSpec, 'k' | 'kt' | 'lo' | 'hi'>): string {
  const parts: string[] = [];
  if (spec.k && spec.kt && spec.lo !== undefined) parts.push(`${ident(spec.k)} >= ${literal(spec.lo)}::${spec.kt}`);
  if (spec.k && spec.kt && spec.hi !== undefined) parts.push(`${ident(spec.k)} < ${literal(spec.hi)}::${spec.kt}`);
  return parts.length > 0 ? parts.join(' AND ') : 'TRUE';
}

/** An exact `count(*)`, for a table never analyzed (its row estimate only decides how many ranges it gets). */
async function countRows(client: pg.Client, table: TableSchema): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${qualified(table.schema, table.name)}`);
  return Number(rows[0]!.n);
}

/**
 * `parts - 1` key values that split the table into about equal ranges, from the column's
 * histogram in `pg_stats` (equal-frequency bounds ANALYZE keeps): no scan. Empty when the
 * column has no histogram yet. The ranges stay complete whatever the bounds (the first is
 * open below and the last open above), so stale statistics only make them uneven.
 */
async function histogramBoundaries(client: pg.Client, table: TableSchema, key: { name: string; type: string }, parts: number): Promise<string[]> {
  const { rows } = await client.query<{ b: string }>(
    `SELECT h.b::text AS b FROM pg_catalog.pg_stats s, unnest(s.histogram_bounds::text::${key.type}[]) WITH ORDINALITY h(b, i)
      WHERE s.schemaname = $1 AND s.tablename = $2 AND s.attname = $3 ORDER BY h.i`,
    [table.schema, table.name, key.name],
  );
  const bounds = rows.map((r) => r.b);
  if (bounds.length < parts) return [];
  const picked: string[] = [];
  for (let i = 1; i < parts; i++) {
    const bound = bounds[Math.round((i * (bounds.length - 1)) / parts)]!;
    if (picked[picked.length - 1] !== bound) picked.push(bound);
  }
  return picked;
}

/** Exact boundaries: every `step`-th key value in key order (a scan of the key's index). */
async function scannedBoundaries(client: pg.Client, table: TableSchema, key: string, step: number): Promise<string[]> {
  const { rows } = await client.query<{ b: string }>(
    `SELECT b::text AS b FROM (SELECT ${ident(key)} AS b, row_number() OVER (ORDER BY ${ident(key)}) AS n FROM ${qualified(table.schema, table.name)}) r
      WHERE n % ${step} = 1 AND n > 1 ORDER BY n`,
  );
  return rows.map((r) => r.b);
}

/** Plans the partitions of the captured tables (run it inside the backup's snapshot). */
export async function planPartitions(client: pg.Client, tables: TableSchema[], snapshot: string, rowsPerPartition = DEFAULT_ROWS_PER_PARTITION, maxPartitions = 1000): Promise<PartitionPlan[]> {
  const plans: PartitionPlan[] = [];
  const statistics = await tableStatistics(client, tables);
  for (const [t, table] of tables.entries()) {
    const { rows: estimated, bytes } = statistics[t]!;
    const base: PostgresPartitionSpec = { s: table.schema, t: table.name, x: snapshot };
    const key = table.primary_key.length === 1 ? table.columns.find((c) => c.name === table.primary_key[0]) : undefined;
    const rows = key ? (estimated ?? (await countRows(client, table))) : 0;
    if (!key || rows <= rowsPerPartition) {
      plans.push({ name: partitionName('table', plans.length), spec: { ...base, b: bytes } });
      continue;
    }
    const parts = Math.ceil(rows / rowsPerPartition);
    const fromHistogram = await histogramBoundaries(client, table, key, parts);
    const bounds = fromHistogram.length > 0 ? fromHistogram : await scannedBoundaries(client, table, key.name, Math.ceil(rows / parts));
    const share = Math.round(bytes / (bounds.length + 1));
    for (let i = 0; i <= bounds.length; i++) {
      const spec: PostgresPartitionSpec = { ...base, k: key.name, kt: key.type, ...(i > 0 ? { lo: bounds[i - 1]! } : {}), ...(i < bounds.length ? { hi: bounds[i]! } : {}), b: share };
      plans.push({ name: partitionName('table', plans.length), spec: { ...spec } });
    }
  }
  if (plans.length > maxPartitions) throw new InvalidSourceConfigError(`the selection needs ${plans.length} partitions, more than ${maxPartitions}; raise rows_per_partition`);
  return plans;
}
