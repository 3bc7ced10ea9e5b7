/** Payloads of the backup workflow's steps: references and small settings, never data. */
import type { CompressionConfig } from '../../../vault/compression/settings.js';
import type { BackupType } from '../../../vault/snapshot/snapshot.js';
import type { StagedList } from '../../../vault/staging/staged-list.js';

/** What starts a backup execution (from the API, a schedule or the CLI). */
export interface BackupStartInput {
  job_id: string;
  /** Set when the API created the queued record first. */
  execution_id?: string;
  trigger?: 'manual' | 'schedule' | 'api';
  execution_options?: { force_full_backup?: boolean; skip_verification?: boolean; [key: string]: unknown };
  custom_parameters?: { compression_level?: number; [key: string]: unknown };
}

/**
 * Settings every step of one backup shares; passed by value, small (the
 * job's source configuration and the partition specs are staged, see staging.ts).
 */
export interface BackupContext {
  execution_id: string;
  backup_id: string;
  job_id: string;
  type: BackupType;
  base_full: string | null;
  parent: string | null;
  compression: CompressionConfig;
  /** The planned partitions (`PartitionPlan`s), staged in the backup's area; `count` is the partition count. */
  partitions: StagedList;
  skip_verification: boolean;
}

/** Output of Plan. */
export interface PlanOutput {
  execution_id: string;
  context: BackupContext;
  /** What the Export partitions map iterates: `0 … partitions.count-1` (the specs stay staged). */
  partition_indexes: number[];
  max_concurrency: number;
}

/** Input of one Map iteration: the partition's index in the staged list. */
export interface ExportInput {
  context: BackupContext;
  index: number;
}

/** Output of Commit snapshot. */
export interface CommitOutput {
  snapshot_id: string;
  records: number;
  partitions: number;
  bytes_read: number;
  bytes_new: number;
  bytes_stored: number;
  compression_ratio: number;
  dedup_ratio: number;
}

/** Output of Verify. */
export interface VerifyOutput {
  status: 'passed' | 'skipped';
  checksum_verified: boolean;
  integrity_verified: boolean;
  packs_checked: number;
}
