/** Payloads of the restore workflow's steps. */
import type { KeySelection } from '../../sources/key-filter.js';
import type { ConflictPolicy } from '../../sources/source.js';

/** What starts a restore execution: the restore record the API created. */
export interface RestoreStartInput {
  restore_id: string;
}

/** Settings every step of one restore shares. */
export interface RestoreContext {
  restore_id: string;
  backup_id: string;
  snapshot_id: string;
  destination: Record<string, unknown>;
  conflict_policy: ConflictPolicy;
  /** Only keys matching these prefixes or globs are restored (S3); null: everything. */
  select: KeySelection | null;
  /** Only these partitions are restored; absent: all. */
  partitions: string[] | null;
  records_expected: number;
  bytes_expected: number;
  /** `restore_options.skip_constraints` / `skip_indexes`, for targets that recreate them (PostgreSQL). */
  skip_constraints?: boolean;
  skip_indexes?: boolean;
}

/** Output of Plan. */
export interface RestorePlanOutput {
  restore_id: string;
  context: RestoreContext;
  partitions: string[];
  safety_backup: boolean;
  max_concurrency: number;
}

/** Output of one Restore partition iteration (kept tiny: 1,000 of them travel in state). */
export interface PartitionRestored {
  r: number;
  s: number;
  b: number;
}
