/**
 * What the catalog says of the selected tables without reading a row: the
 * planner's row estimate and the bytes on disk. Both the description's size
 * (`size_bytes`, what the backup's batching divides among partitions) and
 * each partition's share come from here, in one round trip for every table.
 */
import type pg from 'pg';

/** One table's statistics. */
export interface TableStatistics {
  /** The planner's row estimate (`pg_class.reltuples`, kept by VACUUM and ANALYZE); undefined for a table never analyzed or vacuumed. */
  rows: number | undefined;
  /**
   * Bytes on disk: heap and TOAST, no indexes (`pg_table_size`, the size of
   * the table's files, so known whether or not it was analyzed): about what
   * its COPY text weighs.
   */
  bytes: number;
}

/** The statistics of each table, in the order given (a table the catalog does not list: no rows, 0 bytes). */
export async function tableStatistics(client: pg.Client, tables: ReadonlyArray<{ schema: string; name: string }>): Promise<TableStatistics[]> {
  if (tables.length === 0) return [];
  const { rows } = await client.query<{ i: number; r: number; bytes: number }>(
    `SELECT t.i::int AS i, c.reltuples::float8 AS r, pg_catalog.pg_table_size(c.oid)::float8 AS bytes
       FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(s, n, i)
       JOIN pg_catalog.pg_namespace ns ON ns.nspname = t.s
       JOIN pg_catalog.pg_class c ON c.relnamespace = ns.oid AND c.relname = t.n`,
    [tables.map((t) => t.schema), tables.map((t) => t.name)],
  );
  const stats: TableStatistics[] = tables.map(() => ({ rows: undefined, bytes: 0 }));
  for (const row of rows) stats[Number(row.i) - 1] = { rows: Number(row.r) > 0 ? Math.round(Number(row.r)) : undefined, bytes: Number(row.bytes) };
  return stats;
}

/** The tables' bytes on disk together (see {@link TableStatistics.bytes}). */
export async function tableBytes(client: pg.Client, tables: ReadonlyArray<{ schema: string; name: string }>): Promise<number> {
  return (await tableStatistics(client, tables)).reduce((n, t) => n + t.bytes, 0);
}
