/**
 * Schema capture: everything a restore needs to recreate the selected tables
 * (columns with types, defaults, NOT NULL, identity and generated columns,
 * primary keys, unique, check, exclusion and foreign-key constraints,
 * indexes, owned sequences with their values, and the enum types columns
 * use), read from the catalog inside the backup's snapshot. Definitions come
 * from the server's own `pg_get_*def` functions with an empty search path,
 * so every name in them is schema-qualified.
 */
import type pg from 'pg';
import { qualified } from './connection.js';
import type { TableFilter } from './selection.js';

/** One column. */
export interface ColumnSchema {
  name: string;
  /** `format_type` output, e.g. `numeric(38,18)`, `public.mood[]`. */
  type: string;
  not_null: boolean;
  /** Default expression, or null. */
  default: string | null;
  /** `a` (GENERATED ALWAYS AS IDENTITY), `d` (BY DEFAULT), or `` */
  identity: string;
  /** Expression of a stored generated column, or null. */
  generated: string | null;
}

/** A constraint: `p` primary key, `u` unique, `c` check, `f` foreign key, `x` exclusion. */
export interface ConstraintSchema {
  name: string;
  type: string;
  definition: string;
}

/** A sequence owned by a column (serial or identity) and its value at backup time. */
export interface SequenceSchema {
  schema: string;
  name: string;
  column: string;
  /** `serial` (created before the table, owned by the column) or `identity` (created by the column). */
  kind: 'serial' | 'identity';
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  last_value: string;
  is_called: boolean;
}

/** One table. */
export interface TableSchema {
  schema: string;
  name: string;
  columns: ColumnSchema[];
  /** Primary-key columns in key order (empty when none). */
  primary_key: string[];
  constraints: ConstraintSchema[];
  indexes: Array<{ name: string; definition: string }>;
  sequences: SequenceSchema[];
}

/** An enum type a selected column uses. */
export interface EnumSchema {
  schema: string;
  name: string;
  labels: string[];
}

/** What `PostgresSource.describe` returns (recorded in the snapshot; no secrets). */
export type PostgresDescription = {
  kind: 'postgresql';
  /** The exported snapshot every partition read, and the backend holding it (for `release`). */
  snapshot?: { id: string; holder_pid: number };
  server_version: string;
  database: string;
  schemas: string[];
  enums: EnumSchema[];
  tables: TableSchema[];
};

/** The selected tables, in name order. */
export async function listTables(client: pg.Client, filter: TableFilter): Promise<Array<{ schema: string; name: string; oid: number }>> {
  const { rows } = await client.query<{ schema: string; name: string; oid: number }>(
    `SELECT n.nspname AS schema, c.relname AS name, c.oid::int8::float8 AS oid
       FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
      ORDER BY 1, 2`,
  );
  return rows.filter((r) => filter(r.schema, r.name));
}

async function columnsOf(client: pg.Client, oid: number): Promise<ColumnSchema[]> {
  const { rows } = await client.query<ColumnSchema & { generated_kind: string }>(
    `SELECT a.attname AS name, pg_catalog.format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
            CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS default,
            a.attidentity::text AS identity,
            CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS generated
       FROM pg_catalog.pg_attribute a LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [oid],
  );
  return rows.map((r) => ({ name: r.name, type: r.type, not_null: r.not_null, default: r.default, identity: r.identity, generated: r.generated }));
}

async function constraintsOf(client: pg.Client, oid: number): Promise<{ constraints: ConstraintSchema[]; primaryKey: string[] }> {
  const { rows } = await client.query<ConstraintSchema & { keys: string[] | null }>(
    `SELECT c.conname AS name, c.contype::text AS type, pg_catalog.pg_get_constraintdef(c.oid) AS definition,
            CASE WHEN c.contype = 'p' THEN ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, i)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.i) END AS keys
       FROM pg_catalog.pg_constraint c
      WHERE c.conrelid = $1 AND c.contype IN ('p', 'u', 'c', 'f', 'x') ORDER BY c.contype, c.conname`,
    [oid],
  );
  return {
    constraints: rows.map((r) => ({ name: r.name, type: r.type, definition: r.definition })),
    primaryKey: rows.find((r) => r.type === 'p')?.keys ?? [],
  };
}

async function indexesOf(client: pg.Client, oid: number): Promise<Array<{ name: string; definition: string }>> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_catalog.pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_catalog.pg_index x JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1 AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)
      ORDER BY 1`,
    [oid],
  );
  return rows;
}

async function sequencesOf(client: pg.Client, oid: number): Promise<SequenceSchema[]> {
  const { rows } = await client.query<Omit<SequenceSchema, 'last_value' | 'is_called' | 'kind'> & { deptype: string }>(
    `SELECT sn.nspname AS schema, sc.relname AS name, a.attname AS column, d.deptype::text AS deptype,
            pg_catalog.format_type(s.seqtypid, NULL) AS type, s.seqstart::text AS start, s.seqincrement::text AS increment,
            s.seqmin::text AS min, s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle
       FROM pg_catalog.pg_depend d
       JOIN pg_catalog.pg_sequence s ON s.seqrelid = d.objid
       JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
        AND d.refobjid = $1 AND d.deptype IN ('a', 'i')
      ORDER BY 2`,
    [oid],
  );
  const sequences: SequenceSchema[] = [];
  for (const row of rows) {
    const { rows: values } = await client.query<{ last_value: string; is_called: boolean }>(
      `SELECT last_value::text AS last_value, is_called FROM ${qualified(row.schema, row.name)}`,
    );
    const { deptype, ...rest } = row;
    sequences.push({ ...rest, kind: deptype === 'i' ? 'identity' : 'serial', last_value: values[0]!.last_value, is_called: values[0]!.is_called });
  }
  return sequences;
}

async function enumsOf(client: pg.Client, oids: number[]): Promise<EnumSchema[]> {
  if (oids.length === 0) return [];
  const { rows } = await client.query<EnumSchema>(
    `SELECT DISTINCT n.nspname AS schema, t.typname AS name,
            ARRAY(SELECT e.enumlabel::text FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS labels
       FROM pg_catalog.pg_attribute a
       JOIN pg_catalog.pg_type at ON at.oid = a.atttypid
       JOIN pg_catalog.pg_type t ON t.oid = CASE WHEN at.typcategory = 'A' THEN at.typelem ELSE at.oid END
       JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace
      WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped AND t.typtype = 'e'
      ORDER BY 1, 2`,
    [oids],
  );
  return rows;
}

/** Captures the selected tables' definitions (run it inside the backup's snapshot). */
export async function captureSchema(client: pg.Client, filter: TableFilter): Promise<PostgresDescription> {
  const tables = await listTables(client, filter);
  const captured: TableSchema[] = [];
  for (const table of tables) {
    const { constraints, primaryKey } = await constraintsOf(client, table.oid);
    captured.push({
      schema: table.schema,
      name: table.name,
      columns: await columnsOf(client, table.oid),
      primary_key: primaryKey,
      constraints,
      indexes: await indexesOf(client, table.oid),
      sequences: await sequencesOf(client, table.oid),
    });
  }
  const { rows } = await client.query<{ version: string; database: string }>('SELECT pg_catalog.current_setting($1) AS version, pg_catalog.current_database() AS database', ['server_version']);
  return {
    kind: 'postgresql',
    server_version: rows[0]!.version,
    database: rows[0]!.database,
    schemas: [...new Set(captured.map((t) => t.schema))],
    enums: await enumsOf(client, tables.map((t) => t.oid)),
    tables: captured,
  };
}
