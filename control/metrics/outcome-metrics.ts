/**
 * The CloudWatch metrics an outcome event yields (namespace `Haven`): a
 * count of the outcome, and durations and bytes from its detail. Pure: the
 * Lambda layer (`functions/shared/metrics.ts`) writes them as embedded
 * metric format.
 */
import { HavenEventType, type OutcomeEvent } from '../notifications/event-types.js';

/** The metric namespace. */
export const METRIC_NAMESPACE = 'Haven';

/** The `service` dimension of every Haven metric (the per-deployment series). */
export const METRICS_SERVICE = 'haven';

/** The per-job dimension. */
export const JOB_DIMENSION = 'job';

/** Haven's metric names. */
export const MetricName = {
  BackupSucceeded: 'BackupSucceeded',
  BackupFailed: 'BackupFailed',
  BackupDuration: 'BackupDuration',
  BytesRead: 'BytesRead',
  BytesNew: 'BytesNew',
  BytesStored: 'BytesStored',
  RestoreSucceeded: 'RestoreSucceeded',
  RestoreFailed: 'RestoreFailed',
  RestoreDuration: 'RestoreDuration',
  RestoreBytes: 'RestoreBytes',
  VerificationFailed: 'VerificationFailed',
  BackupsDeleted: 'BackupsDeleted',
} as const;
/** One of {@link MetricName}. */
export type MetricName = (typeof MetricName)[keyof typeof MetricName];

/** CloudWatch units Haven uses. */
export const MetricUnit = { Count: 'Count', Seconds: 'Seconds', Bytes: 'Bytes' } as const;
/** One of {@link MetricUnit}. */
export type MetricUnit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** One data point. */
export interface MetricPoint {
  name: MetricName;
  unit: MetricUnit;
  value: number;
}

/** An event's metrics and the job they are about. */
export interface OutcomeMetrics {
  job?: string;
  points: MetricPoint[];
}

const count = (name: MetricName): MetricPoint => ({ name, unit: MetricUnit.Count, value: 1 });

function numeric(detail: Record<string, unknown>, key: string, name: MetricName, unit: MetricUnit): MetricPoint[] {
  const value = detail[key];
  return typeof value === 'number' && Number.isFinite(value) ? [{ name, unit, value }] : [];
}

/**
 * @param event - an outcome event
 * @returns its metrics (none for detail types without any)
 */
export function outcomeMetrics(event: OutcomeEvent): OutcomeMetrics {
  const d = event.detail;
  const job = typeof d.job_id === 'string' && d.job_id !== '' ? d.job_id : undefined;
  const points = ((): MetricPoint[] => {
    switch (event.detailType) {
      case HavenEventType.BackupSucceeded:
        return [
          count(MetricName.BackupSucceeded),
          ...numeric(d, 'duration', MetricName.BackupDuration, MetricUnit.Seconds),
          ...numeric(d, 'bytes_read', MetricName.BytesRead, MetricUnit.Bytes),
          ...numeric(d, 'bytes_new', MetricName.BytesNew, MetricUnit.Bytes),
          ...numeric(d, 'bytes_stored', MetricName.BytesStored, MetricUnit.Bytes),
        ];
      case HavenEventType.BackupFailed:
        return [count(MetricName.BackupFailed), ...numeric(d, 'duration', MetricName.BackupDuration, MetricUnit.Seconds)];
      case HavenEventType.RestoreSucceeded:
        return [
          count(MetricName.RestoreSucceeded),
          ...numeric(d, 'duration', MetricName.RestoreDuration, MetricUnit.Seconds),
          ...numeric(d, 'data_size', MetricName.RestoreBytes, MetricUnit.Bytes),
        ];
      case HavenEventType.RestoreFailed:
        return [count(MetricName.RestoreFailed), ...numeric(d, 'duration', MetricName.RestoreDuration, MetricUnit.Seconds)];
      case HavenEventType.VerificationFailed:
        return [count(MetricName.VerificationFailed)];
      case HavenEventType.RetentionApplied:
        return numeric(d, 'backups_deleted', MetricName.BackupsDeleted, MetricUnit.Count);
      default:
        return [];
    }
  })();
  return { ...(job ? { job } : {}), points };
}
