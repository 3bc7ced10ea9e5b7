/**
 * The bench's restore check: every table's row count and a checksum of its
 * rows (the sum of a 64-bit hash of each whole row's text), read from the
 * source database and from a restored one and compared. Independent of the
 * checksum Haven's own restore verifies with, so it also checks Haven.
 */
import type pg from 'pg';

/** Row count and checksum of one table. */
export interface TableFingerprint {
  rows: number;
  checksum: string;
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** The fingerprint of every ordinary table outside the system schemas, by `schema.table`. */
export async function tableFingerprints(client: pg.Client): Promise<Map<string, TableFingerprint>> {
  const { rows: tables } = await client.query<{ schema: string; name: string }>(
    `SELECT n.nspname AS schema, c.relname AS name FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' ORDER BY 1, 2`,
  );
  const out = new Map<string, TableFingerprint>();
  for (const table of tables) {
    const { rows } = await client.query<{ rows: string; checksum: string }>(
      `SELECT count(*)::text AS rows, coalesce(sum(pg_catalog.hashtextextended(t::text, 0)), 0)::text AS checksum FROM ${quote(table.schema)}.${quote(table.name)} t`,
    );
    out.set(`${table.schema}.${table.name}`, { rows: Number(rows[0]!.rows), checksum: rows[0]!.checksum });
  }
  return out;
}

/** What differs between the source's fingerprints and a restore's (empty when the restore is complete and exact). */
export function fingerprintDifferences(source: ReadonlyMap<string, TableFingerprint>, restored: ReadonlyMap<string, TableFingerprint>): string[] {
  const differences: string[] = [];
  for (const [table, expected] of source) {
    const got = restored.get(table);
    if (!got) differences.push(`${table} is missing`);
    else if (got.rows !== expected.rows || got.checksum !== expected.checksum) {
      differences.push(`${table}: ${got.rows} rows (checksum ${got.checksum}), the source has ${expected.rows} (checksum ${expected.checksum})`);
    }
  }
  for (const table of restored.keys()) if (!source.has(table)) differences.push(`${table} is not in the source`);
  return differences;
}
