/** Payloads of the restore workflow's steps. */
import type { KeySelection } from '../../../sources/key-filter.js';
import type { ConflictPolicy } from '../../../sources/source.js';
import type { StagedItemList } from '../../../vault/staging/item-list.js';
import type { StagedList } from '../../../vault/staging/staged-list.js';
import type { Batching } from '../backup/batching.js';

/** What starts a restore execution: the restore record the API created. */
export interface RestoreStartInput {
  restore_id: string;
}

/**
 * What a restore keeps staged for its steps (docs/FORMAT.md §10): the
 * destination and the key selection, which the request may make long
 * (table globs, 100 prefixes of 1,024 bytes), so they stay out of the state.
 */
export interface StagedRestorePlan {
  destination: Record<string, unknown>;
  /** Only keys matching these prefixes or globs are restored (S3); null: everything. */
  select: KeySelection | null;
}

/** Where a staged object is: `staging/<area>/<name>`. */
export interface StagedRef {
  area: string;
  name: string;
}

/** Settings every step of one restore shares (small: lists and request fields stay staged). */
export interface RestoreContext {
  restore_id: string;
  backup_id: string;
  snapshot_id: string;
  conflict_policy: ConflictPolicy;
  /** The {@link StagedRestorePlan}. */
  plan: StagedRef;
  /** The names of the partitions to restore, staged. */
  partitions: StagedList;
  /** How many partitions the request named (`restore_options.partitions`); null when it named none (all). */
  requested_partitions: number | null;
  records_expected: number;
  bytes_expected: number;
  /** The vault the backup is in (its record's `vault_uri`); the restore stages its lists there. Absent: the primary. */
  vault_uri?: string;
  /** `restore_options.skip_constraints` / `skip_indexes`, for targets that recreate them (PostgreSQL). */
  skip_constraints?: boolean;
  skip_indexes?: boolean;
}

/** Output of Plan: references and the Map's batching, nothing that grows with the data. */
export interface RestorePlanOutput extends Batching {
  restore_id: string;
  context: RestoreContext;
  /** The item list the Restore partitions Map reads: the indexes `0 … partitions.count-1`. */
  items: StagedItemList;
  safety_backup: boolean;
}

/** One partition of a restore batch: its index in the staged list. */
export interface RestorePartitionInput {
  context: RestoreContext;
  index: number;
}

/** What one Restore partitions child receives: its batch of partition indexes and the Map's `BatchInput`. */
export interface RestoreBatchInput {
  Items: number[];
  BatchInput: { context: RestoreContext };
}

/** What one restore batch restored, staged as `restored-<first index>`: its partition count and their summed counts. */
export interface RestoredBatch extends PartitionRestored {
  items: number;
}

/** What one partition restored (summed per batch; verify's test restore stages it per partition). */
export interface PartitionRestored {
  r: number;
  s: number;
  b: number;
}
