/**
 * Synthetic, in-process stand-ins for what the real planners read: a
 * DynamoDB client that answers DescribeTable, an S3 listing, a PostgreSQL
 * client that answers the planner's two catalog queries. They are the
 * model's inputs (the sources as described in `cases.ts`), not test mocks:
 * nothing is checked against them, and no network is used.
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type pg from 'pg';
import type { ListedObject } from '../../sources/s3/listing.js';
import type { TableSchema } from '../../sources/postgres/schema.js';
import type { DynamoDbInput, PostgresInput, S3Input } from './cases.js';

/** A request the synthetic sources cannot answer. */
export class SyntheticInputError extends Error {
  override readonly name = 'SyntheticInputError';
}

/** A DynamoDB client that describes one table (DescribeTable, DescribeTimeToLive) and nothing else. */
export function describedTableClient(table: string, input: DynamoDbInput): DynamoDBClient {
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof DescribeTableCommand) {
      return { Table: { TableName: table, TableStatus: 'ACTIVE', TableSizeBytes: input.table_bytes, ItemCount: Math.floor(input.table_bytes / input.item_bytes), KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }] } };
    }
    if (command instanceof DescribeTimeToLiveCommand) return { TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } };
    throw new SyntheticInputError(`the synthetic table answers DescribeTable and DescribeTimeToLive, not ${(command as object).constructor.name}`);
  };
  return { send } as unknown as DynamoDBClient;
}

/** Digits of a synthetic object key's index (keys sort as their indexes). */
const KEY_DIGITS = 10;

/** The key of object `index` of a synthetic prefix. */
export function objectKey(index: number): string {
  return `obj/${String(index).padStart(KEY_DIGITS, '0')}`;
}

/** The index of a synthetic object key. @throws SyntheticInputError for a key the listing never yields */
export function objectIndex(key: string): number {
  const index = Number(key.slice('obj/'.length));
  if (!key.startsWith('obj/') || !Number.isSafeInteger(index)) throw new SyntheticInputError(`${JSON.stringify(key)} is not a synthetic object key`);
  return index;
}

/** Whether object `index` is one of the large ones. */
function isLarge(input: S3Input, index: number): boolean {
  return (index + 1) % input.large_every === 0;
}

/** The prefix's listing, in S3 order (keys relative to the prefix). */
export async function* syntheticListing(input: S3Input): AsyncGenerator<ListedObject> {
  for (let i = 0; i < input.objects; i++) yield { key: objectKey(i), size: isLarge(input, i) ? input.large_object_bytes : input.small_object_bytes };
}

/** Objects, large objects and bytes of the objects with indexes in [from, to). */
export function objectsBetween(input: S3Input, from: number, to: number): { objects: number; large: number; bytes: number } {
  const largeBefore = (n: number): number => Math.floor(n / input.large_every);
  const large = largeBefore(to) - largeBefore(from);
  const objects = to - from;
  return { objects, large, bytes: (objects - large) * input.small_object_bytes + large * input.large_object_bytes };
}

/** Rows of table `index` of a synthetic database (table 0 is the big one). */
export function tableRows(input: PostgresInput, index: number): number {
  const bytes = index === 0 ? input.big_table_bytes : input.other_bytes / (input.tables - 1);
  return Math.max(1, Math.floor(bytes / input.row_bytes));
}

/** The synthetic database's tables, as `sources/postgres/schema.ts` reads them: `public.t0000`…, each keyed by a bigint `id`. */
export function syntheticTables(input: PostgresInput): TableSchema[] {
  return Array.from({ length: input.tables }, (_, i) => ({
    schema: 'public',
    name: `t${String(i).padStart(4, '0')}`,
    columns: [{ name: 'id', type: 'bigint', not_null: true, default: null, identity: '', generated: null }],
    primary_key: ['id'],
    constraints: [],
  })) as unknown as TableSchema[];
}

/** Bytes on disk of table `index` of a synthetic database (as `pg_table_size` reports them: its rows at `row_bytes` each). */
export function tableBytesOnDisk(input: PostgresInput, index: number): number {
  return tableRows(input, index) * input.row_bytes;
}

/** The index of a synthetic table name (`t0000`…). @throws SyntheticInputError for another name */
function tableIndex(name: string): number {
  const match = /^t(\d{4})$/.exec(name);
  if (!match) throw new SyntheticInputError(`${JSON.stringify(name)} is not a synthetic table`);
  return Number(match[1]);
}

/**
 * A PostgreSQL client that answers the partition planner's catalog queries
 * for tables whose keys are 1 … rows: the tables' statistics
 * (`sources/postgres/statistics.ts`: bytes on disk, and no row estimate, as
 * for tables never analyzed), `count(*)` of a table, and every `step`-th
 * key (`row_number() … % step = 1`).
 */
export function catalogClient(input: PostgresInput): pg.Client {
  const rowsOf = (sql: string): number => {
    const match = /"(t\d{4})"/.exec(sql);
    if (!match) throw new SyntheticInputError(`no synthetic table in ${sql}`);
    return tableRows(input, tableIndex(match[1]!));
  };
  const query = async (sql: string, params: unknown[] = []): Promise<{ rows: unknown[] }> => {
    if (/pg_table_size/.test(sql)) {
      // Sizes from the catalog; no row estimates: the planner falls back to count(*) and the boundary scan, which are modelled.
      const names = params[1] as string[];
      return { rows: names.map((name, i) => ({ i: i + 1, r: -1, bytes: tableBytesOnDisk(input, tableIndex(name)) })) };
    }
    if (/pg_stats/.test(sql)) return { rows: [] };
    const rows = rowsOf(sql);
    if (/count\(\*\)/.test(sql)) return { rows: [{ n: String(rows) }] };
    const step = /% (\d+) = 1/.exec(sql);
    if (!step) throw new SyntheticInputError(`the synthetic catalog answers statistics, count(*) and boundary queries, not ${sql}`);
    const every = Number(step[1]);
    const bounds: Array<{ b: string }> = [];
    for (let n = 1 + every; n <= rows; n += every) bounds.push({ b: String(n) });
    return { rows: bounds };
  };
  return { query } as unknown as pg.Client;
}
