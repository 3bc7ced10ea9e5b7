/**
 * What a partition's stream holds and how both ends check it: a JSON header
 * line (table, columns, key range, row count and checksum read in the
 * snapshot), then the rows exactly as `COPY … TO STDOUT` (text format)
 * wrote them, one line per row. The checksum is the server's: the sum of
 * the first 64 bits of `md5(ROW(columns)::text)` over the rows, so it does
 * not depend on row order and the restore recomputes it on the target.
 */
import type pg from 'pg';
import { MalformedStreamError } from '../errors.js';
import { ident, qualified } from './connection.js';
import { rangeCondition, type PostgresPartitionSpec } from './partitions.js';

/** The header line of a partition's stream. */
export interface TableDataHeader extends Omit<PostgresPartitionSpec, 'x'> {
  v: 1;
  /** The columns COPY wrote, in order (stored generated columns are left out). */
  columns: string[];
  rows: number;
  checksum: string;
}

/** Longest header line accepted. */
export const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/** Encodes a header line. */
export function encodeHeader(header: TableDataHeader): Uint8Array {
  return Buffer.from(`${JSON.stringify(header)}\n`);
}

/** Decodes a header line. @throws MalformedStreamError */
export function decodeHeader(line: Uint8Array | undefined): TableDataHeader {
  if (!line) throw new MalformedStreamError('the partition stream is empty');
  let header: TableDataHeader;
  try {
    header = JSON.parse(Buffer.from(line).toString('utf8')) as TableDataHeader;
  } catch {
    throw new MalformedStreamError('the partition stream does not start with a PostgreSQL header line');
  }
  if (header.v !== 1 || typeof header.s !== 'string' || typeof header.t !== 'string' || !Array.isArray(header.columns) || typeof header.rows !== 'number') {
    throw new MalformedStreamError('the partition stream does not start with a PostgreSQL header line');
  }
  return header;
}

/** The column list of a COPY or checksum statement. */
export function columnList(columns: string[]): string {
  return columns.map(ident).join(', ');
}

/** The copyable columns of a table as it is now (in the session's snapshot). */
export async function copyableColumns(client: pg.Client, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT attname AS name FROM pg_catalog.pg_attribute
      WHERE attrelid = $1::pg_catalog.regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [qualified(schema, table)],
  );
  return rows.map((r) => r.name);
}

/** Row count and checksum of a table's key range. */
export async function rangeChecksum(client: pg.Client, header: Pick<TableDataHeader, 's' | 't' | 'k' | 'kt' | 'lo' | 'hi' | 'columns'>): Promise<{ rows: number; checksum: string }> {
  const { rows } = await client.query<{ rows: string; checksum: string }>(
    `SELECT count(*)::text AS rows,
            coalesce(sum(('x' || substr(md5(ROW(${columnList(header.columns)})::text), 1, 16))::bit(64)::int8), 0)::text AS checksum
       FROM ${qualified(header.s, header.t)} WHERE ${rangeCondition(header)}`,
  );
  return { rows: Number(rows[0]!.rows), checksum: rows[0]!.checksum };
}

/** The statement that exports (or, with `FROM STDIN`, loads) a range. */
export function copyOutStatement(header: Pick<TableDataHeader, 's' | 't' | 'k' | 'kt' | 'lo' | 'hi' | 'columns'>): string {
  const condition = rangeCondition(header);
  const table = qualified(header.s, header.t);
  return condition === 'TRUE'
    ? `COPY ${table} (${columnList(header.columns)}) TO STDOUT`
    : `COPY (SELECT ${columnList(header.columns)} FROM ${table} WHERE ${condition}) TO STDOUT`;
}

/** Newlines (rows of COPY text) in a chunk. */
export function countRows(chunk: Uint8Array): number {
  let n = 0;
  let i = chunk.indexOf(0x0a);
  while (i >= 0) {
    n += 1;
    i = chunk.indexOf(0x0a, i + 1);
  }
  return n;
}
