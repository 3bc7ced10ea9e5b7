/**
 * The four tracked kinds: how executions (backups), restores,
 * verifications and prune runs are built, keyed, patched and listed.
 */
import type { BackupType } from '../../vault/snapshot/snapshot.js';
import { backupIdOf, IdPrefix } from './ids.js';
import { Kinds } from './keys.js';
import type { RecordKind, TrackedListQuery } from './record-store.js';
import { RecordStatus } from './status.js';
import type {
  ExecutionAnnotation,
  ExecutionPatch,
  ExecutionRecord,
  NewExecution,
  NewPruneRun,
  NewRestore,
  NewVerification,
  RestorePatch,
  RestoreRecord,
  PruneRunPatch,
  PruneRunRecord,
  Timestamp,
  TrackedFields,
  VerificationPatch,
  VerificationRecord,
} from './types.js';

/** List options of executions (the seed's `/backup/files`). */
export interface ExecutionListQuery extends TrackedListQuery {
  job_id?: string;
  backup_type?: BackupType;
}

/** List options of restores. */
export interface RestoreListQuery extends TrackedListQuery {
  backup_id?: string;
}

/** List options of verifications. */
export interface VerificationListQuery extends TrackedListQuery {
  backup_id?: string;
  verification_type?: string;
}

/** The types of executions. */
export interface ExecutionTypes {
  record: ExecutionRecord;
  create: NewExecution;
  patch: ExecutionPatch;
  annotation: ExecutionAnnotation;
  query: ExecutionListQuery;
}

/** The types of restores. */
export interface RestoreTypes {
  record: RestoreRecord;
  create: NewRestore;
  patch: RestorePatch;
  annotation: Partial<Pick<RestoreRecord, 'verification' | 'served_from'>>;
  query: RestoreListQuery;
}

/** The types of verifications. */
export interface VerificationTypes {
  record: VerificationRecord;
  create: NewVerification;
  patch: VerificationPatch;
  annotation: Partial<Pick<VerificationRecord, 'served_from'>>;
  query: VerificationListQuery;
}

/** The types of prune runs (listed by time and status only: a run has no parent). */
export interface PruneRunTypes {
  record: PruneRunRecord;
  create: NewPruneRun;
  patch: PruneRunPatch;
  annotation: Record<string, never>;
  query: TrackedListQuery;
}

/**
 * The life-cycle fields of a new record.
 *
 * @param input - the status and phase asked for, if any
 * @param now - the creation time
 * @returns the tracked fields
 */
function newTracked(input: { status?: RecordStatus; phase?: string }, now: Timestamp): TrackedFields {
  const status = input.status ?? RecordStatus.Queued;
  return { status, progress: 0, phase: input.phase ?? status, started_at: null, completed_at: null, duration: null, error: null, updated_at: now };
}

/** Executions: one per run of a job, each producing the backup `backup_<same ulid>`. */
export const ExecutionKind: RecordKind<ExecutionTypes> = {
  keys: Kinds.execution,
  idPrefix: IdPrefix.Execution,
  idField: 'execution_id',
  timeField: 'started_at',
  parentField: 'job_id',
  filterFields: ['backup_type'],
  patchFields: ['phase', 'progress', 'backup_type', 'result', 'verification', 'error', 'retention_until', 'locked', 'estimated_completion'],
  annotationFields: ['verification', 'retention_until', 'locked', 'deleted_at', 'deleted_by', 'vault_uri', 'copies'],
  build: (input, id, now) => ({
    ...newTracked(input, now),
    execution_id: id,
    backup_id: backupIdOf(id),
    job_id: input.job_id,
    job_name: input.job_name,
    backup_type: input.backup_type,
    trigger: input.trigger,
    started_at: now,
    estimated_completion: input.estimated_completion ?? null,
    executed_by: input.executed_by ?? null,
    execution_options: input.execution_options ?? {},
    custom_parameters: input.custom_parameters ?? {},
    result: null,
    verification: null,
    retention_until: input.retention_until ?? null,
    locked: input.locked ?? false,
  }),
};

/** Restores of one backup each; created queued, `started_at` set when they start running. */
export const RestoreKind: RecordKind<RestoreTypes> = {
  keys: Kinds.restore,
  idPrefix: IdPrefix.Restore,
  idField: 'restore_id',
  timeField: 'created_at',
  parentField: 'backup_id',
  parentPrefix: IdPrefix.Backup,
  filterFields: [],
  patchFields: ['phase', 'progress', 'result', 'verification', 'error'],
  annotationFields: ['verification', 'served_from'],
  build: (input, id, now) => ({
    ...newTracked({}, now),
    restore_id: id,
    restore_name: input.restore_name,
    description: input.description ?? '',
    backup_id: input.backup_id,
    source: input.source ?? {},
    destination: input.destination,
    restore_options: input.restore_options ?? {},
    notifications: input.notifications ?? null,
    created_at: now,
    created_by: input.created_by,
    result: null,
    verification: null,
  }),
};

/** Verifications of one backup each. */
export const VerificationKind: RecordKind<VerificationTypes> = {
  keys: Kinds.verification,
  idPrefix: IdPrefix.Verification,
  idField: 'verification_id',
  timeField: 'started_at',
  parentField: 'backup_id',
  parentPrefix: IdPrefix.Backup,
  filterFields: ['verification_type'],
  patchFields: ['phase', 'progress', 'result', 'error', 'estimated_completion'],
  annotationFields: ['served_from'],
  build: (input, id, now) => ({
    ...newTracked(input, now),
    verification_id: id,
    backup_id: input.backup_id,
    verification_type: input.verification_type,
    started_at: now,
    estimated_completion: input.estimated_completion ?? null,
    checksum_verification: input.checksum_verification,
    integrity_check: input.integrity_check,
    test_restore: input.test_restore,
    test_restore_options: input.test_restore_options ?? null,
    result: null,
    ...(input.level !== undefined ? { level: input.level } : {}),
    ...(input.sample_percent !== undefined ? { sample_percent: input.sample_percent } : {}),
    ...(input.sample_bytes !== undefined ? { sample_bytes: input.sample_bytes } : {}),
    ...(input.requested_by !== undefined ? { requested_by: input.requested_by } : {}),
    ...(input.sweep_id !== undefined ? { sweep_id: input.sweep_id } : {}),
  }),
};

/** Prune runs: one per run of the prune workflow; no parent. */
export const PruneRunKind: RecordKind<PruneRunTypes> = {
  keys: Kinds.pruneRun,
  idPrefix: IdPrefix.PruneRun,
  idField: 'prune_run_id',
  timeField: 'started_at',
  filterFields: [],
  patchFields: ['phase', 'progress', 'result', 'error'],
  annotationFields: [],
  build: (input, id, now) => ({
    ...newTracked(input, now),
    prune_run_id: id,
    execution_name: input.execution_name,
    started_at: now,
    ...(input.settings !== undefined ? { settings: input.settings } : {}),
    result: null,
  }),
};
