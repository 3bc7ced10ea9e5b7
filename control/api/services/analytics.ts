/** `GET /backup/analytics`: totals, breakdowns and a daily series over a window (control/analytics). */
import { loadAnalytics } from '../../analytics/load.js';
import type { AnalyticsQuery } from '../../analytics/schema.js';
import { timeRange } from '../../catalog/time.js';
import type { ApiDeps } from '../deps.js';

/**
 * @throws InvalidRecordError for a window backwards or beyond the catalog's times (422, as every list),
 *   InvalidAnalyticsFilterError (400), NotFoundError for an unknown `job_id` (404)
 */
export async function getAnalytics(deps: ApiDeps, query: AnalyticsQuery): Promise<Record<string, unknown>> {
  timeRange(query.date_from, query.date_to);
  return { ...(await loadAnalytics(deps.catalog, query, { now: deps.now() })) };
}
