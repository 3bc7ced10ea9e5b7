/** Payloads of the backup workflow's steps: references and small settings, never data. */
import type { CompressionConfig } from '../../../vault/compression/settings.js';
import type { BackupType } from '../../../vault/snapshot/snapshot.js';
import type { StagedItemList } from '../../../vault/staging/item-list.js';
import type { StagedList } from '../../../vault/staging/staged-list.js';
import type { Batching } from './batching.js';

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
  /** The vault the backup goes to (its job's destination, resolved by Plan); absent: the primary. */
  vault_uri?: string;
  /** The class of the packs it writes (the destination's `storage_class`); absent: the bucket's default. */
  storage_class?: string;
  /** Whether the job lists copy vaults: the workflow starts the copy workflow after Finalize. */
  copies?: boolean;
}

/** Output of Plan: references and the Map's batching, nothing that grows with the data. */
export interface PlanOutput extends Batching {
  execution_id: string;
  context: BackupContext;
  /** The item list the Export partitions Map reads: the indexes `0 … partitions.count-1` (the specs stay staged). */
  items: StagedItemList;
  /** Set when the partitions read a snapshot the holder branch holds (Plan partitions' output): the branch releases it after the Map. */
  holder?: HolderPlan;
}

/** A planned run whose source needs its snapshot held by the holder branch (hold-snapshot.ts): what Plan partitions and Hold snapshot take. */
export interface HolderPlan {
  /** The run's context but its partitions (planned in the held snapshot). */
  context: Omit<BackupContext, 'partitions'>;
  /** The run's `custom_parameters` (segments, max_concurrency). */
  custom_parameters: NonNullable<BackupStartInput['custom_parameters']>;
  /** Whether the record is still queued (Plan partitions marks it running). */
  queued: boolean;
}

/** Output of Plan for a source whose snapshot the holder branch holds: the partitions are planned in that branch. */
export interface HoldingPlanOutput {
  execution_id: string;
  holder: HolderPlan;
}

/** A round of the List source Map (list-source.ts): the key ranges to list, staged, and the Map's batching. */
export interface ListingState {
  /** The run's context but its partitions, its custom parameters, and whether its record is still queued. */
  planned: HolderPlan;
  /** 1 for the ranges Plan left, then one more per Join listing that left ranges. */
  round: number;
  /** The round's key ranges (sealed: keys stay out of state and item lists). */
  ranges: StagedList;
  /** The Map's item list: the ranges' indexes. */
  items: StagedItemList;
  /** Objects one child lists at most this round. */
  keys_per_child: number;
  items_per_batch: number;
  max_concurrency: number;
}

/** Output of Plan (and of Join listing) while a listing is fanned out: the workflow runs List source over `listing`. */
export interface ListingOutput {
  execution_id: string;
  listing: ListingState;
}

/** What one Export partitions child receives: its batch of partition indexes and the Map's `BatchInput`. */
export interface ExportBatchInput {
  Items: number[];
  BatchInput: { context: BackupContext };
}

/** What one export batch returns (tiny: the Map keeps no results, each partition stages its manifest). */
export interface BatchOutput {
  /** Items in the batch. */
  items: number;
  /** Items an earlier attempt had already done. */
  skipped: number;
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
