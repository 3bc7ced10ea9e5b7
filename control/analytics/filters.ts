/** The analytics filters: an inclusive time window and a job. */
import { InvalidRecordError } from '../catalog/errors.js';
import { timeRange } from '../catalog/time.js';
import type { Timestamp } from '../catalog/types.js';
import { InvalidAnalyticsFilterError } from './errors.js';

/** What the caller may filter by (the endpoint's query parameters). */
export interface AnalyticsFilters {
  /** ISO 8601 timestamp or date; inclusive. */
  date_from?: string;
  /** ISO 8601 timestamp or date (a bare date means the whole day, UTC); inclusive. */
  date_to?: string;
  job_id?: string;
}

/** Filters as bounds. */
export interface ResolvedFilters {
  from: Timestamp;
  to: Timestamp;
  jobId?: string;
}

/**
 * @param filters - the query
 * @returns the window's bounds and the job
 * @throws InvalidAnalyticsFilterError naming the bad filter
 */
export function resolveFilters(filters: AnalyticsFilters): ResolvedFilters {
  const jobId = filters.job_id;
  if (jobId !== undefined && jobId.trim() === '') throw new InvalidAnalyticsFilterError('job_id', 'must not be empty');
  try {
    const { from, to } = timeRange(filters.date_from, filters.date_to);
    return { from, to, ...(jobId === undefined ? {} : { jobId }) };
  } catch (error) {
    if (!(error instanceof InvalidRecordError)) throw error;
    const field = error.message.startsWith('date_to') ? 'date_to' : 'date_from';
    throw new InvalidAnalyticsFilterError(field, error.message);
  }
}
