/**
 * Backup analytics from catalog records, as a pure function (the numbers
 * are defined in docs/ANALYTICS.md):
 *
 * - the **window** is the executions started, restores created and
 *   verifications started within `date_from`..`date_to` (inclusive), of
 *   `job_id` when given;
 * - **storage** is the stored bytes of every completed backup started up to
 *   `date_to` (what the vault holds at the window's end, before retention
 *   removes any), priced per destination and storage class from `prices.ts`.
 */
import { RecordStatus } from '../catalog/status.js';
import type { ExecutionRecord, JobRecord, RestoreRecord, VerificationRecord } from '../catalog/types.js';
import { resolveFilters, type AnalyticsFilters } from './filters.js';
import { DEFAULT_STORAGE_CLASS, monthlyCost, PRICES_AS_OF, PRICES_CURRENCY, PRICES_REGION, pricePerGbMonth } from './prices.js';
import type { Analytics } from './schema.js';
import { backupStats, ratios, round } from './stats.js';

/** The records analytics reads. */
export interface AnalyticsInput {
  jobs: readonly JobRecord[];
  executions: readonly ExecutionRecord[];
  restores?: readonly RestoreRecord[];
  verifications?: readonly VerificationRecord[];
}

/** Most days a time series fills with zero days; a longer window lists only days with backups. */
export const MAX_FILLED_DAYS = 3660;

const TYPE_ORDER = ['full', 'incremental', 'differential'];
const DAY_MS = 86_400_000;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const day = (timestamp: string): string => timestamp.slice(0, 10);

function days(first: string, last: string): string[] {
  const out: string[] = [];
  for (let ms = Date.parse(first); ms <= Date.parse(last); ms += DAY_MS) out.push(new Date(ms).toISOString().slice(0, 10));
  return out;
}

/** Where a job's backups are stored: its destination type and S3 storage class. */
function placement(job: JobRecord | undefined): { destination: string; storage_class: string } {
  const destination = job?.destination;
  const type = typeof destination?.type === 'string' ? destination.type : 's3';
  const storageClass = typeof destination?.storage_class === 'string' ? destination.storage_class.toUpperCase() : DEFAULT_STORAGE_CLASS;
  return { destination: type, storage_class: storageClass };
}

function storageBreakdown(stored: readonly ExecutionRecord[], jobs: ReadonlyMap<string, JobRecord>): Analytics['storage_breakdown'] {
  const groups = groupBy(stored, (e) => JSON.stringify(placement(jobs.get(e.job_id))));
  return [...groups.entries()]
    .map(([key, backups]) => {
      const where = JSON.parse(key) as { destination: string; storage_class: string };
      const total = backups.reduce((sum, e) => sum + (e.result?.file_size ?? 0), 0);
      return {
        ...where,
        total_size: total,
        backup_count: backups.length,
        average_size: Math.round(total / backups.length),
        price_per_gb_month: pricePerGbMonth(where.storage_class),
        cost_per_month: monthlyCost(total, where.storage_class),
      };
    })
    .sort((a, b) => b.total_size - a.total_size || a.destination.localeCompare(b.destination) || a.storage_class.localeCompare(b.storage_class));
}

function timeSeries(window: readonly ExecutionRecord[], filters: AnalyticsFilters, from: string, to: string, now: string): Analytics['time_series'] {
  const byDay = groupBy(window, (e) => day(e.started_at));
  const present = [...byDay.keys()].sort();
  const first = filters.date_from !== undefined ? day(from) : present[0];
  const last = filters.date_to !== undefined ? day(to < now ? to : now) : present.at(-1);
  const span = first && last ? (Date.parse(last) - Date.parse(first)) / DAY_MS + 1 : 0;
  const dates = span > 0 && span <= MAX_FILLED_DAYS ? days(first!, last!) : present;
  return dates.map((date) => {
    const stats = backupStats(byDay.get(date) ?? []);
    return { date, backups_created: stats.count, successful_backups: stats.successful, failed_backups: stats.failed, storage_used: stats.bytes_stored, bytes_read: stats.bytes_read };
  });
}

/**
 * Computes the analytics response.
 *
 * @param input - jobs, executions (all of them up to `date_to`: storage counts the whole history), restores and verifications
 * @param filters - `date_from`, `date_to`, `job_id`
 * @param now - the time of the report (`generated_at`; the time series stops at its day)
 * @returns the response in the seed's shape
 * @throws InvalidAnalyticsFilterError for malformed filters
 */
export function computeAnalytics(input: AnalyticsInput, filters: AnalyticsFilters, now: Date): Analytics {
  const { from, to, jobId } = resolveFilters(filters);
  const inWindow = (t: string | null) => t !== null && t >= from && t <= to;
  const ofJob = (id: string | undefined) => jobId === undefined || id === jobId;

  const jobs = input.jobs.filter((j) => ofJob(j.job_id));
  const jobsById = new Map(input.jobs.map((j) => [j.job_id, j]));
  const scoped = input.executions.filter((e) => ofJob(e.job_id));
  const window = scoped.filter((e) => inWindow(e.started_at));
  const stored = scoped.filter((e) => e.status === RecordStatus.Completed && e.result !== null && e.started_at <= to);
  const jobOfBackup = new Map(input.executions.map((e) => [e.backup_id, e.job_id]));
  const restores = (input.restores ?? []).filter((r) => inWindow(r.created_at) && ofJob(jobOfBackup.get(r.backup_id)));
  const verifications = (input.verifications ?? []).filter((v) => inWindow(v.started_at) && ofJob(jobOfBackup.get(v.backup_id)));

  const overall = backupStats(window);
  const storage = storageBreakdown(stored, jobsById);
  const totalStored = stored.reduce((sum, e) => sum + (e.result?.file_size ?? 0), 0);
  const costs = storage.flatMap((s) => (s.cost_per_month === null ? [] : [s.cost_per_month]));
  const byJob = groupBy(window, (e) => e.job_id);
  const storedByJob = groupBy(stored, (e) => e.job_id);
  const jobIds = [...new Set([...jobs.map((j) => j.job_id), ...byJob.keys()])];

  return {
    overview: {
      total_jobs: jobs.length,
      active_jobs: jobs.filter((j) => j.status === 'active').length,
      total_backups: overall.count,
      successful_backups: overall.successful,
      failed_backups: overall.failed,
      running_backups: overall.running,
      total_restores: restores.length,
      successful_restores: restores.filter((r) => r.status === RecordStatus.Completed).length,
      failed_restores: restores.filter((r) => r.status === RecordStatus.Failed).length,
      total_verifications: verifications.length,
      failed_verifications: verifications.filter((v) => v.status === RecordStatus.Failed).length,
      total_storage_used: totalStored,
      average_backup_size: overall.average_size,
      total_bytes_read: overall.bytes_read,
      total_bytes_new: overall.bytes_new,
      ...ratios(overall),
      estimated_monthly_cost: storage.length > 0 && costs.length === 0 ? null : round(costs.reduce((a, b) => a + b, 0), 2),
    },
    job_breakdown: jobIds
      .map((id) => {
        const backups = byJob.get(id) ?? [];
        const stats = backupStats(backups);
        const latest = backups.map((e) => e.started_at).sort().at(-1) ?? null;
        return {
          job_id: id,
          job_name: jobsById.get(id)?.job_name ?? backups[0]?.job_name ?? id,
          backups: stats.count,
          successful_backups: stats.successful,
          failed_backups: stats.failed,
          success_rate: stats.success_rate,
          average_size: stats.average_size,
          average_duration: stats.average_duration,
          storage_used: (storedByJob.get(id) ?? []).reduce((sum, e) => sum + (e.result?.file_size ?? 0), 0),
          last_backup_at: latest,
        };
      })
      .sort((a, b) => b.backups - a.backups || a.job_id.localeCompare(b.job_id)),
    backup_types: [...groupBy(window, (e) => e.backup_type).entries()]
      .sort(([a], [b]) => (TYPE_ORDER.indexOf(a) + 1 || 99) - (TYPE_ORDER.indexOf(b) + 1 || 99) || a.localeCompare(b))
      .map(([type, backups]) => {
        const stats = backupStats(backups);
        return { type, count: stats.count, successful_backups: stats.successful, failed_backups: stats.failed, success_rate: stats.success_rate, average_size: stats.average_size, average_duration: stats.average_duration };
      }),
    storage_breakdown: storage,
    time_series: timeSeries(window, filters, from, to, now.toISOString()),
    filters: { date_from: filters.date_from === undefined ? null : from, date_to: filters.date_to === undefined ? null : to, job_id: jobId ?? null },
    pricing: { region: PRICES_REGION, currency: PRICES_CURRENCY, prices_as_of: PRICES_AS_OF },
    generated_at: now.toISOString(),
  };
}
