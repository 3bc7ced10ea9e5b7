/**
 * What responses show of catalog records: the seed's fields, never lease
 * bookkeeping, never secrets (records hold none; see control/catalog/secrets.ts).
 */
import type { Page } from '../catalog/pagination.js';
import { progressPercent, runProgress, type CountedFields, type RunProgress } from '../catalog/progress.js';
import { RecordStatus } from '../catalog/status.js';
import type { ExecutionRecord, JobRecord, RestoreRecord, Timestamp } from '../catalog/types.js';

/** A job as the API shows it. */
export function jobView(job: JobRecord): Record<string, unknown> {
  const { lease_owner: _owner, lease_expires_at: _expires, ...view } = job;
  return view;
}

/**
 * A run's progress (executions, restores, verifications): percent, counts,
 * the average rate over the run so far and, while it runs, the estimated
 * completion (see control/catalog/progress.ts; a stored estimate is the
 * fallback before anything is counted).
 *
 * @param record - the run's record
 * @param now - the time of the reading
 */
export function runProgressView(record: CountedFields & { estimated_completion?: Timestamp | null }, now: Date = new Date()): RunProgress {
  const view = runProgress(record, now);
  const stored = record.status === RecordStatus.Running ? (record.estimated_completion ?? null) : null;
  return { ...view, estimated_completion: view.estimated_completion ?? stored };
}

/** The progress fields of a job that never ran. */
const NO_PROGRESS: RunProgress = { progress: 0, items_done: null, items_total: null, bytes_done: null, bytes_total: null, rate_bytes_per_second: null, estimated_completion: null };

/** A run as execute and cancel return it. */
export function executionView(e: ExecutionRecord, now: Date = new Date()): Record<string, unknown> {
  return {
    execution_id: e.execution_id,
    backup_id: e.backup_id,
    job_id: e.job_id,
    status: e.status,
    phase: e.phase,
    started_at: e.started_at,
    completed_at: e.completed_at,
    ...runProgressView(e, now),
    execution_options: e.execution_options,
    custom_parameters: e.custom_parameters,
    executed_by: e.executed_by ?? null,
    error: e.error,
  };
}

/** The latest run of a job (`never_run` when there is none). */
export function jobStatusView(job: JobRecord, latest: ExecutionRecord | undefined, now: Date = new Date()): Record<string, unknown> {
  return {
    job_id: job.job_id,
    status: latest?.status ?? 'never_run',
    execution_id: latest?.execution_id ?? null,
    ...(latest ? runProgressView(latest, now) : NO_PROGRESS),
    phase: latest?.phase ?? null,
    started_at: latest?.started_at ?? null,
    completed_at: latest?.completed_at ?? null,
    duration: latest?.duration ?? null,
    result: latest?.result ?? null,
    verification: latest?.verification ?? null,
    error: latest?.error ?? null,
    next_run: job.next_run,
  };
}

/** A backup in `/backup/files` (seed 001 fields). */
export function fileView(e: ExecutionRecord): Record<string, unknown> {
  return {
    backup_id: e.backup_id,
    job_id: e.job_id,
    job_name: e.job_name,
    backup_type: e.backup_type,
    file_path: e.result?.file_path ?? null,
    file_size: e.result?.file_size ?? null,
    compression_ratio: e.result?.compression_ratio ?? null,
    encryption: e.result?.encryption ?? 'AES-256-GCM',
    checksum: e.result?.checksum ?? null,
    status: e.status,
    created_at: e.result?.created_at ?? e.started_at,
    verified_at: e.verification?.verified_at ?? null,
    retention_until: e.retention_until,
  };
}

/** A backup with its run (`/backup/backups/{backup_id}`). */
export function backupView(e: ExecutionRecord): Record<string, unknown> {
  return {
    ...fileView(e),
    execution_id: e.execution_id,
    trigger: e.trigger,
    progress: progressPercent(e),
    phase: e.phase,
    started_at: e.started_at,
    completed_at: e.completed_at,
    duration: e.duration,
    locked: e.locked ?? false,
    vault_uri: e.vault_uri ?? null,
    result: e.result,
    verification: e.verification,
    copies: e.copies ?? [],
    error: e.error,
  };
}

/** A restore. */
export function restoreView(r: RestoreRecord, now: Date = new Date()): Record<string, unknown> {
  return {
    restore_id: r.restore_id,
    restore_name: r.restore_name,
    description: r.description,
    backup_id: r.backup_id,
    source: r.source,
    destination: r.destination,
    restore_options: r.restore_options,
    notifications: r.notifications,
    status: r.status,
    ...runProgressView(r, now),
    phase: r.phase,
    created_at: r.created_at,
    created_by: r.created_by,
    started_at: r.started_at,
    completed_at: r.completed_at,
    duration: r.duration,
    result: r.result,
    verification: r.verification,
    served_from: r.served_from ?? null,
    error: r.error,
  };
}

/** A restore's progress. */
export function restoreStatusView(r: RestoreRecord, now: Date = new Date()): Record<string, unknown> {
  const { restore_id, status, phase, started_at, completed_at, duration, result, verification, error } = r;
  return { restore_id, status, ...runProgressView(r, now), phase, started_at, completed_at, duration, result, verification, error };
}

/**
 * A list response: the items under `key`, the paging fields and the filters applied.
 *
 * @param key - `jobs`, `files`, `restores`
 * @param page - the catalog's page
 * @param view - maps a record to its view
 * @param filters - the filters the request gave (undefined entries dropped)
 */
export function listView<R>(key: string, page: Page<R>, view: (r: R) => Record<string, unknown>, filters: Record<string, unknown>): Record<string, unknown> {
  const applied = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
  return { [key]: page.items.map((r) => view(r)), total: page.total ?? page.items.length, limit: page.limit, offset: page.offset, next_cursor: page.next_cursor, filters: applied };
}
