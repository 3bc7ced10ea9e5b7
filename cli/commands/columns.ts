/** What the tables and detail views of each record kind show. */
import { cell, col, type ApiRecord, type Column } from '../table.js';

type Columns = ReadonlyArray<Column<ApiRecord>>;

/** `jobs list`. */
export const JOB_ROWS: Columns = [
  col('JOB', 'job_id'),
  col('NAME', 'job_name'),
  col('TYPE', 'backup_type'),
  col('SOURCE', 'source.type'),
  col('SCHEDULE', 'schedule.frequency'),
  col('STATUS', 'status'),
  col('LAST RUN', 'last_run', cell.time),
  col('NEXT RUN', 'next_run', cell.time),
];

/** `jobs get|create|update`. */
export const JOB_DETAILS: Columns = [
  col('job_id', 'job_id'),
  col('job_name', 'job_name'),
  col('description', 'description'),
  col('backup_type', 'backup_type'),
  col('status', 'status'),
  col('source', 'source'),
  col('destination', 'destination'),
  col('schedule', 'schedule'),
  col('retention', 'retention'),
  col('compression', 'compression'),
  col('verification', 'verification'),
  col('created_at', 'created_at', cell.time),
  col('created_by', 'created_by'),
  col('last_run', 'last_run', cell.time),
  col('next_run', 'next_run', cell.time),
];

/** `jobs run|status`: an execution and the backup it makes. */
export const EXECUTION_DETAILS: Columns = [
  col('execution_id', 'execution_id'),
  col('job_id', 'job_id'),
  col('status', 'status'),
  col('phase', 'phase'),
  col('progress', 'progress', cell.percent),
  col('started_at', 'started_at', cell.time),
  col('completed_at', 'completed_at', cell.time),
  col('duration', 'duration', cell.duration),
  col('backup_id', 'result.backup_id'),
  col('read', 'result.bytes_read', cell.bytes),
  col('stored', 'result.file_size', cell.bytes),
  col('verification', 'verification.status'),
  col('error', 'error', cell.error),
];

/** `backups list`. */
export const BACKUP_ROWS: Columns = [
  col('BACKUP', 'backup_id'),
  col('JOB', 'job_id'),
  col('TYPE', 'backup_type'),
  col('STATUS', 'status'),
  col('CREATED', 'created_at', cell.time),
  col('SIZE', 'file_size', cell.bytes),
  col('VERIFIED', 'verified_at', cell.time),
  col('KEEP UNTIL', 'retention_until', cell.time),
];

/** `backups get`. */
export const BACKUP_DETAILS: Columns = [
  col('backup_id', 'backup_id'),
  col('job_id', 'job_id'),
  col('job_name', 'job_name'),
  col('backup_type', 'backup_type'),
  col('status', 'status'),
  col('file_path', 'file_path'),
  col('file_size', 'file_size', cell.bytes),
  col('compression_ratio', 'compression_ratio'),
  col('encryption', 'encryption'),
  col('checksum', 'checksum'),
  col('created_at', 'created_at', cell.time),
  col('verified_at', 'verified_at', cell.time),
  col('retention_until', 'retention_until', cell.time),
];

/** `backups verify`. */
export const VERIFICATION_DETAILS: Columns = [
  col('verification_id', 'verification_id'),
  col('backup_id', 'backup_id'),
  col('level', 'level'),
  col('status', 'status'),
  col('progress', 'progress', cell.percent),
  col('started_at', 'started_at', cell.time),
  col('completed_at', 'completed_at', cell.time),
  col('result', 'result'),
  col('error', 'error', cell.error),
];

/** `restores list`. */
export const RESTORE_ROWS: Columns = [
  col('RESTORE', 'restore_id'),
  col('NAME', 'restore_name'),
  col('BACKUP', 'backup_id'),
  col('STATUS', 'status'),
  col('PROGRESS', 'progress', cell.percent),
  col('CREATED', 'created_at', cell.time),
  col('COMPLETED', 'completed_at', cell.time),
];

/** `restores start|status`. */
export const RESTORE_DETAILS: Columns = [
  col('restore_id', 'restore_id'),
  col('backup_id', 'backup_id'),
  col('status', 'status'),
  col('phase', 'phase'),
  col('progress', 'progress', cell.percent),
  col('started_at', 'started_at', cell.time),
  col('completed_at', 'completed_at', cell.time),
  col('duration', 'duration', cell.duration),
  col('records', 'result.records_restored'),
  col('data_size', 'result.data_size', cell.bytes),
  col('verification', 'verification.status'),
  col('error', 'error', cell.error),
];
