/**
 * The cases the capacity model plans: synthetic descriptions of the sources
 * (what a DynamoDB DescribeTable, an S3 listing and a PostgreSQL catalog
 * would say), the backup type, and the concurrency a job asks for. These
 * are model inputs; nothing here is measured.
 */

const KiB = 1024;
const GiB = 1024 ** 3;
const TiB = 1024 ** 4;

/** The kinds of source a case describes. */
export const CaseKind = { DynamoDb: 'dynamodb', S3: 's3', Postgres: 'postgres' } as const;
/** One of {@link CaseKind}'s values. */
export type CaseKind = (typeof CaseKind)[keyof typeof CaseKind];

/** A DynamoDB table as DescribeTable would describe it, and what it can serve. */
export interface DynamoDbInput {
  kind: typeof CaseKind.DynamoDb;
  table_bytes: number;
  item_bytes: number;
  /** The table's read capacity (read units per second): on demand, its maximum read throughput. */
  read_capacity_units: number;
  /** The job's scan segments, when it sets them (else one per 128 MiB, as planned). */
  segments?: number;
}

/** An S3 prefix as its listing would show it: `objects` keys, one of every `large_every` of `large_object_bytes`, the rest of `small_object_bytes`. */
export interface S3Input {
  kind: typeof CaseKind.S3;
  objects: number;
  large_every: number;
  large_object_bytes: number;
  small_object_bytes: number;
}

/** A PostgreSQL database as its catalog would show it: `tables` tables with a bigint primary key, the first `big_table_bytes`, the others sharing `other_bytes`. */
export interface PostgresInput {
  kind: typeof CaseKind.Postgres;
  tables: number;
  big_table_bytes: number;
  other_bytes: number;
  row_bytes: number;
  /** The job's `rows_per_partition` (the planner's default needs more than its 1,000 partitions here). */
  rows_per_partition: number;
}

/** One case of the model. */
export interface ScaleCase {
  name: string;
  description: string;
  source: DynamoDbInput | S3Input | PostgresInput;
  backup: 'full' | 'incremental';
  /** Incremental: the fraction of records (objects, rows) changed since the last backup. */
  changed_fraction: number;
  /** The Map concurrency the job asks for (`custom_parameters.max_concurrency`). */
  requested_concurrency: number;
  /** The wall time the case must meet, when it has a target. */
  target_seconds?: number;
}

/** The S3 prefix of case 2: 50,000,000 objects, 10 TiB, 1,000 of them 5 GiB. */
function tenTerabytePrefix(): S3Input {
  const objects = 50_000_000;
  const largeEvery = 50_000;
  const large = 5 * GiB;
  const largeCount = objects / largeEvery;
  return { kind: CaseKind.S3, objects, large_every: largeEvery, large_object_bytes: large, small_object_bytes: Math.floor((10 * TiB - largeCount * large) / (objects - largeCount)) };
}

/** The cases (issue 15). */
export const SCALE_CASES: readonly ScaleCase[] = [
  {
    name: 'dynamodb-1tb-full',
    description: '1 TiB DynamoDB table of 4 KiB items (on demand, maximum read throughput raised to 120,000 units/s), full backup',
    source: { kind: CaseKind.DynamoDb, table_bytes: TiB, item_bytes: 4 * KiB, read_capacity_units: 120_000 },
    backup: 'full',
    changed_fraction: 1,
    requested_concurrency: 24,
    target_seconds: 3600,
  },
  {
    name: 'dynamodb-1tb-full-default-quota',
    description: 'the same table at the default on-demand read throughput (40,000 units/s), concurrency kept within half of it',
    source: { kind: CaseKind.DynamoDb, table_bytes: TiB, item_bytes: 4 * KiB, read_capacity_units: 40_000 },
    backup: 'full',
    changed_fraction: 1,
    requested_concurrency: 8,
    target_seconds: 3600,
  },
  {
    name: 's3-10tb-full',
    description: '10 TiB S3 prefix of 50,000,000 objects (1,000 of 5 GiB, the rest ~110 KB), full backup',
    source: tenTerabytePrefix(),
    backup: 'full',
    changed_fraction: 1,
    requested_concurrency: 500,
  },
  {
    name: 's3-10tb-incremental-1pct',
    description: 'the same prefix, incremental with 1% of the objects changed',
    source: tenTerabytePrefix(),
    backup: 'incremental',
    changed_fraction: 0.01,
    requested_concurrency: 500,
    target_seconds: 3600,
  },
  {
    name: 'postgres-1tb-full',
    description: '1 TiB PostgreSQL database of 200 tables, one of 600 GiB (1 KiB rows), job rows_per_partition 5,000,000',
    source: { kind: CaseKind.Postgres, tables: 200, big_table_bytes: 600 * GiB, other_bytes: 424 * GiB, row_bytes: KiB, rows_per_partition: 5_000_000 },
    backup: 'full',
    changed_fraction: 1,
    requested_concurrency: 16,
  },
];
