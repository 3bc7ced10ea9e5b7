/**
 * Lists: one index partition, newest first, a sort-key range, equality
 * filters, and two ways to page that can be combined:
 *
 * - cursors: `next_cursor` is an opaque base64url token holding the key of
 *   the last item returned (a valid `ExclusiveStartKey`), bound to the
 *   partition and range it was issued for;
 * - the seed's `limit`/`offset`: skip `offset` matching items first, with
 *   `total` (every matching item) counted.
 *
 * Filters drop items after DynamoDB reads them, so a list keeps querying
 * page after page until it has `limit` matching items or the range ends.
 */
import { createHash } from 'node:crypto';
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CatalogContext } from './context.js';
import { InvalidCursorError, InvalidRecordError } from './errors.js';
import { Expression } from './expression.js';
import { toRecord, type Item } from './items.js';
import { TableLayout, type ListPartition } from './keys.js';

/** Page options shared by every list. */
export interface PageQuery {
  /** Most items to return (1–1000). @default 50 */
  limit?: number;
  /** Matching items to skip first (after the cursor, if any). @default 0 */
  offset?: number;
  /** A `next_cursor` from the previous page of the same list. */
  cursor?: string | null;
  /** Count every matching item into `total`. @default true when `offset` is given */
  with_total?: boolean;
}

/** Time-range options shared by every list (inclusive; a bare `date_to` means the whole day). */
export interface TimeQuery {
  date_from?: string;
  date_to?: string;
}

/** One page of a list. */
export interface Page<R> {
  items: R[];
  /** Pass as `cursor` for the next page; null when this page is the last. */
  next_cursor: string | null;
  /** Every matching item, when counted. */
  total?: number;
  limit: number;
  offset: number;
}

/** Default and largest `limit`. */
export const PAGE_LIMITS = { default: 50, max: 1000 } as const;

interface CursorBody {
  /** Fingerprint of the partition and range. */
  q: string;
  k: Record<string, string>;
}

function keyAttributes(where: ListPartition): string[] {
  return [TableLayout.partitionKey, TableLayout.sortKey, where.index.partitionKey, where.index.sortKey];
}

function fingerprint(where: ListPartition): string {
  return createHash('sha256').update(JSON.stringify([where.index.indexName, where.partition, where.from, where.to])).digest('base64url').slice(0, 16);
}

/**
 * @param where - the list's partition and range
 * @param item - the last item returned
 * @returns the cursor that resumes after it
 */
export function encodeCursor(where: ListPartition, item: Item): string {
  const k = Object.fromEntries(keyAttributes(where).map((a) => [a, String(item[a])]));
  const body: CursorBody = { q: fingerprint(where), k };
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/**
 * @param where - the list's partition and range
 * @param cursor - a cursor from {@link encodeCursor}
 * @returns the `ExclusiveStartKey` it holds
 * @throws InvalidCursorError when it is not a cursor of this list
 */
export function decodeCursor(where: ListPartition, cursor: string): Record<string, string> {
  let body: Partial<CursorBody>;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<CursorBody>;
  } catch {
    throw new InvalidCursorError();
  }
  const key = body?.k;
  const expected = keyAttributes(where);
  const valid =
    body?.q === fingerprint(where) &&
    typeof key === 'object' &&
    key !== null &&
    Object.keys(key).length === expected.length &&
    expected.every((a) => typeof key[a] === 'string');
  if (!valid) throw new InvalidCursorError();
  return key;
}

function wholeNumber(value: number | undefined, fallback: number, min: number, max: number, what: string): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidRecordError(`${what} must be an integer from ${min} to ${max}, not ${n}`);
  return n;
}

function baseQuery(ctx: CatalogContext, where: ListPartition, filters: Record<string, unknown>): QueryCommandInput {
  const e = new Expression();
  const key = `${e.name(where.index.partitionKey)} = ${e.value(where.partition)} AND ${e.name(where.index.sortKey)} BETWEEN ${e.value(where.from)} AND ${e.value(where.to)}`;
  const filter = e.equals(filters);
  return {
    TableName: ctx.table,
    IndexName: where.index.indexName,
    KeyConditionExpression: key,
    ...(filter ? { FilterExpression: filter } : {}),
    ...e.params(),
    ScanIndexForward: false,
  };
}

async function countMatching(ctx: CatalogContext, input: QueryCommandInput): Promise<number> {
  let total = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.doc.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    total += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return total;
}

interface Collected {
  items: Item[];
  /** Whether matching items may follow the last one collected. */
  more: boolean;
}

async function collect(ctx: CatalogContext, input: QueryCommandInput, start: Record<string, unknown> | undefined, offset: number, limit: number): Promise<Collected> {
  const filtered = input.FilterExpression !== undefined;
  const items: Item[] = [];
  let skipped = 0;
  let more = false;
  while (items.length < limit) {
    // Unfiltered, every item read is used: read one past what is needed to know whether more follow.
    const wanted = offset - skipped + limit - items.length + 1;
    const pageSize = filtered ? ctx.queryPageSize : Math.min(ctx.queryPageSize, wanted);
    const out = await ctx.doc.send(new QueryCommand({ ...input, Limit: pageSize, ExclusiveStartKey: start }));
    const page = out.Items ?? [];
    let used = 0;
    for (const item of page) {
      if (items.length === limit) break;
      used++;
      if (skipped < offset) skipped++;
      else items.push(item);
    }
    start = out.LastEvaluatedKey;
    more = used < page.length || start !== undefined;
    if (used < page.length || !start) break;
  }
  return { items, more };
}

/**
 * Lists one page.
 *
 * @param ctx - the catalog
 * @param where - the index partition and sort-key range
 * @param filters - attribute → value the items must hold; undefined entries are ignored
 * @param query - limit, offset, cursor
 * @returns the page, newest first
 */
export async function listPage<R>(ctx: CatalogContext, where: ListPartition, filters: Record<string, unknown>, query: PageQuery): Promise<Page<R>> {
  const limit = wholeNumber(query.limit, PAGE_LIMITS.default, 1, PAGE_LIMITS.max, 'limit');
  const offset = wholeNumber(query.offset, 0, 0, Number.MAX_SAFE_INTEGER, 'offset');
  const input = baseQuery(ctx, where, filters);
  const start = query.cursor ? decodeCursor(where, query.cursor) : undefined;
  const counting = query.with_total ?? query.offset !== undefined;
  const [{ items, more }, total] = await Promise.all([collect(ctx, input, start, offset, limit), counting ? countMatching(ctx, input) : undefined]);
  const last = items.at(-1);
  return {
    items: items.map((item) => toRecord<R>(item)),
    next_cursor: more && last ? encodeCursor(where, last) : null,
    ...(total === undefined ? {} : { total }),
    limit,
    offset,
  };
}
