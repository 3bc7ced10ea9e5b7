/**
 * The `GET /backup/analytics` response (seed 001's shape, with additive
 * fields), as a zod 4 schema for validation and OpenAPI. Sizes are bytes,
 * durations seconds, rates and ratios 0..1 (compression: stored / new),
 * costs USD per month. Averages and rates are null when nothing was measured.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const bytes = z.number().int().nonnegative();
const rate = z.number().min(0).max(1).nullable();
const average = z.number().nonnegative().nullable();

/** Query parameters. */
export const AnalyticsQuerySchema = z.object({
  date_from: z.string().optional().describe('ISO 8601 timestamp or date; inclusive'),
  date_to: z.string().optional().describe('ISO 8601 timestamp or date (a bare date means the whole day); inclusive'),
  job_id: z.string().min(1).optional().describe('Only this job'),
});

/** Totals over the window. */
export const AnalyticsOverviewSchema = z.object({
  total_jobs: count,
  active_jobs: count,
  total_backups: count.describe('Executions started in the window, any status'),
  successful_backups: count,
  failed_backups: count,
  running_backups: count.describe('Queued or running'),
  total_restores: count,
  successful_restores: count,
  failed_restores: count,
  total_verifications: count,
  failed_verifications: count,
  total_storage_used: bytes.describe('Stored bytes of completed backups started up to date_to'),
  average_backup_size: average.describe('Mean bytes read by successful backups in the window'),
  total_bytes_read: bytes,
  total_bytes_new: bytes,
  dedup_ratio: rate.describe('1 - new bytes / bytes read'),
  compression_ratio: z.number().nonnegative().nullable().describe('Stored bytes / new bytes'),
  estimated_monthly_cost: z.number().nonnegative().nullable(),
});

/** One job's figures. */
export const JobBreakdownSchema = z.object({
  job_id: z.string(),
  job_name: z.string(),
  backups: count,
  successful_backups: count,
  failed_backups: count,
  success_rate: rate,
  average_size: average,
  average_duration: average,
  storage_used: bytes,
  last_backup_at: z.string().nullable(),
});

/** One backup type's figures. */
export const BackupTypeBreakdownSchema = z.object({
  type: z.string(),
  count,
  successful_backups: count,
  failed_backups: count,
  success_rate: rate,
  average_size: average,
  average_duration: average,
});

/** Stored bytes in one destination and storage class. */
export const StorageBreakdownSchema = z.object({
  destination: z.string(),
  storage_class: z.string(),
  total_size: bytes,
  backup_count: count,
  average_size: average,
  price_per_gb_month: z.number().nonnegative().nullable(),
  cost_per_month: z.number().nonnegative().nullable(),
});

/** One UTC day. */
export const TimeSeriesPointSchema = z.object({
  date: z.string().describe('YYYY-MM-DD (UTC)'),
  backups_created: count,
  successful_backups: count,
  failed_backups: count,
  storage_used: bytes.describe('Stored bytes added by the day\'s successful backups'),
  bytes_read: bytes,
});

/** The whole response. */
export const AnalyticsSchema = z.object({
  overview: AnalyticsOverviewSchema,
  job_breakdown: z.array(JobBreakdownSchema),
  backup_types: z.array(BackupTypeBreakdownSchema),
  storage_breakdown: z.array(StorageBreakdownSchema),
  time_series: z.array(TimeSeriesPointSchema),
  filters: z.object({ date_from: z.string().nullable(), date_to: z.string().nullable(), job_id: z.string().nullable() }),
  pricing: z.object({ region: z.string(), currency: z.string(), prices_as_of: z.string() }),
  generated_at: z.string(),
});

/** The analytics response. */
export type Analytics = z.infer<typeof AnalyticsSchema>;
/** Query parameters of the analytics endpoint. */
export type AnalyticsQuery = z.infer<typeof AnalyticsQuerySchema>;
