/**
 * What a partition's stream holds and how both ends check it: a JSON header
 * line (table, columns, key range, row count and checksum read in the
 * snapshot), then the rows exactly as `COPY … TO STDOUT` (text format)
 * wrote them, one line per row. The checksum is the server's and does not
 * depend on row order, so the restore recomputes it on the target: the sum
 * over the rows of a 64-bit hash of the row (`ck: 'hash'`, PostgreSQL 14+:
 * `hash_record_extended`, with the columns whose types have no extended hash
 * function, listed in `tx`, hashed as text), or of the first 64 bits of
 * `md5(ROW(columns)::text)` (no `ck`: older servers, and backups written
 * before `ck` existed).
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
  /** How `checksum` was computed ({@link ChecksumKind}); absent: md5. */
  ck?: ChecksumKind;
  /** With `ck: 'hash'`: the columns hashed as text (their types have no extended hash function). */
  tx?: string[];
}

/** How a header's checksum is computed. */
export const ChecksumKind = { Md5: 'md5', Hash: 'hash' } as const;
export type ChecksumKind = (typeof ChecksumKind)[keyof typeof ChecksumKind];

/** What a range's checksum statement needs. */
export type ChecksumInput = Pick<TableDataHeader, 's' | 't' | 'k' | 'kt' | 'lo' | 'hi' | 'columns' | 'ck' | 'tx'>;

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

/** The first server version with `hash_record_extended`. */
const HASH_RECORD_VERSION = 140000;

/**
 * The copyable columns of a table as it is now (in the session's snapshot), in order, and how
 * its checksum is computed: by hash on PostgreSQL 14+ (with the columns whose types have no
 * default extended hash function hashed as text), else by md5.
 */
export async function exportColumns(client: pg.Client, schema: string, table: string): Promise<Pick<TableDataHeader, 'columns' | 'ck' | 'tx'>> {
  const { rows } = await client.query<{ name: string; hashable: boolean; version: number }>(
    `SELECT a.attname AS name, pg_catalog.current_setting('server_version_num')::int AS version,
            EXISTS (SELECT 1 FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_am m ON m.oid = o.opcmethod
                      JOIN pg_catalog.pg_amproc p ON p.amprocfamily = o.opcfamily AND p.amproclefttype = o.opcintype AND p.amprocrighttype = o.opcintype AND p.amprocnum = 2
                     WHERE m.amname = 'hash' AND o.opcdefault AND o.opcintype = a.atttypid) AS hashable
       FROM pg_catalog.pg_attribute a
      WHERE a.attrelid = $1::pg_catalog.regclass AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum`,
    [qualified(schema, table)],
  );
  const columns = rows.map((r) => r.name);
  if (rows.length === 0 || rows[0]!.version < HASH_RECORD_VERSION) return { columns };
  return { columns, ck: ChecksumKind.Hash, tx: rows.filter((r) => !r.hashable).map((r) => r.name) };
}

/** The per-row hash a checksum sums, as SQL. */
function rowHash(header: ChecksumInput): string {
  if (header.ck === ChecksumKind.Hash) {
    const text = new Set(header.tx ?? []);
    const fields = header.columns.map((c) => (text.has(c) ? `${ident(c)}::text` : ident(c)));
    // A one-column ROW() is still a record; an empty one hashes every row alike (the count still checks).
    return `pg_catalog.hash_record_extended(ROW(${fields.join(', ')}), 0)`;
  }
  if (header.ck !== undefined) throw new MalformedStreamError(`the partition's checksum kind ${String(header.ck)} is unknown`);
  return `('x' || substr(md5(ROW(${columnList(header.columns)})::text), 1, 16))::bit(64)::int8`;
}

/** Row count and checksum of a table's key range, computed as the header says. */
export async function rangeChecksum(client: pg.Client, header: ChecksumInput): Promise<{ rows: number; checksum: string }> {
  const { rows } = await client.query<{ rows: string; checksum: string }>(
    `SELECT count(*)::text AS rows, coalesce(sum(${rowHash(header)}), 0)::text AS checksum
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
