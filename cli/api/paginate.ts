/**
 * Lists that page with an opaque `next_cursor`: one page, or (with `--all`)
 * every page, following the cursor until the API returns none.
 */
import type { ApiClient, Query } from './client.js';
import { CliError } from './errors.js';

/** One page as the API answers it. */
export interface ListPage<T> {
  items: T[];
  next_cursor: string | null;
  total?: number;
  /** The whole body (for `--json`). */
  body: Record<string, unknown>;
}

/**
 * @param body - a list response
 * @param field - the array field (`files`, `jobs`, `restores`); `items` is accepted too
 * @returns the items and cursor
 */
export function readPage<T>(body: unknown, field: string): ListPage<T> {
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const items = record[field] ?? record.items;
  if (!Array.isArray(items)) throw new CliError(`the API's list answer has no '${field}' array`);
  const cursor = record.next_cursor ?? record.cursor ?? null;
  return {
    items: items as T[],
    next_cursor: typeof cursor === 'string' && cursor.length > 0 ? cursor : null,
    ...(typeof record.total === 'number' ? { total: record.total } : {}),
    body: record,
  };
}

/**
 * Fetches pages of a list.
 *
 * @param client - the API client
 * @param path - the list route
 * @param field - the array field
 * @param query - filters and `limit`
 * @param all - follow `next_cursor` to the end (otherwise one page)
 * @returns the items of every page fetched, and the last page's cursor
 */
export async function listAll<T>(client: ApiClient, path: string, field: string, query: Query, all: boolean): Promise<{ items: T[]; next_cursor: string | null; total?: number }> {
  const items: T[] = [];
  let cursor: string | null = typeof query.cursor === 'string' ? query.cursor : null;
  let total: number | undefined;
  const seen = new Set<string>();
  for (;;) {
    const page = readPage<T>(await client.get(path, { ...query, cursor }), field);
    items.push(...page.items);
    total = page.total ?? total;
    cursor = page.next_cursor;
    if (!all || !cursor) break;
    if (seen.has(cursor)) throw new CliError(`the API returned the same cursor twice for ${path}`);
    seen.add(cursor);
  }
  return { items, next_cursor: cursor, ...(total !== undefined ? { total } : {}) };
}
