/**
 * Reads what analytics needs from the catalog, page by page (the catalog's
 * largest page, following `next_cursor` to the end), and computes it:
 * jobs (one job with `job_id`), every execution started up to `date_to`
 * (storage counts the whole history), and restores and verifications in
 * the window.
 */
import type { Catalog } from '../catalog/catalog.js';
import { PAGE_LIMITS, type Page } from '../catalog/pagination.js';
import { computeAnalytics } from './compute.js';
import { resolveFilters, type AnalyticsFilters } from './filters.js';
import type { Analytics } from './schema.js';

/**
 * Every item of a paged list.
 *
 * @param list - one page from a cursor
 * @returns all items, in list order
 */
export async function readAll<T>(list: (cursor: string | null) => Promise<Page<T>>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list(cursor);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

/** Options of {@link loadAnalytics}. */
export interface LoadAnalyticsOptions {
  /** The report's time. @default now */
  now?: Date;
  /** Items per catalog page. @default the catalog's largest (1000) */
  pageSize?: number;
}

/**
 * Loads and computes analytics.
 *
 * @param catalog - the catalog
 * @param filters - `date_from`, `date_to`, `job_id`
 * @param options - the report's time and the page size
 * @returns the response
 * @throws InvalidAnalyticsFilterError for malformed filters; NotFoundError for an unknown `job_id`
 */
export async function loadAnalytics(catalog: Catalog, filters: AnalyticsFilters, options: LoadAnalyticsOptions = {}): Promise<Analytics> {
  const { jobId } = resolveFilters(filters);
  const limit = options.pageSize ?? PAGE_LIMITS.max;
  const window = { ...(filters.date_from === undefined ? {} : { date_from: filters.date_from }), ...(filters.date_to === undefined ? {} : { date_to: filters.date_to }) };
  const upTo = filters.date_to === undefined ? {} : { date_to: filters.date_to };
  const [jobs, executions, restores, verifications] = await Promise.all([
    jobId === undefined ? readAll((cursor) => catalog.listJobs({ limit, cursor })) : catalog.getJob(jobId).then((job) => [job]),
    readAll((cursor) => catalog.listExecutions({ limit, cursor, ...upTo, ...(jobId === undefined ? {} : { job_id: jobId }) })),
    readAll((cursor) => catalog.restores.list({ limit, cursor, ...window })),
    readAll((cursor) => catalog.verifications.list({ limit, cursor, ...window })),
  ]);
  return computeAnalytics({ jobs, executions, restores, verifications }, filters, options.now ?? new Date());
}
