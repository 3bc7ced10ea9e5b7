/** Payloads of the verify workflow's steps: ids, counts and small settings, never pack lists. */
import type { VerificationLevel } from '../../verification/levels.js';
import type { ScratchTarget } from '../../verification/scratch.js';
import type { RestoreContext, RestoredBatch } from '../restore/types.js';
import type { StagedList } from '../../../vault/staging/staged-list.js';
import type { StagedItemList } from '../../../vault/staging/item-list.js';
import type { PackProblem } from '../../verification/pack-state.js';
import type { Batching } from '../backup/batching.js';

/** What a sweep verifies. */
export const SweepScope = {
  /** Every completed backup. */
  All: 'all',
  /** Each job's newest completed backup. */
  Latest: 'latest',
} as const;
export type SweepScope = (typeof SweepScope)[keyof typeof SweepScope];

/** A sweep request: the weekly schedule's input. */
export interface SweepRequest {
  level: string;
  scope?: SweepScope;
  /** The vault whose backups the sweep checks (a backup's `vault_uri`). @default the primary */
  vault_uri?: string;
  sample_percent?: number;
  sample_bytes?: number;
}

/**
 * What starts a verify execution: `{ verification_id }` (the record the API
 * created) or `{ sweep: { level, scope } }` (the weekly sweep).
 */
export interface VerifyStartInput {
  verification_id?: string;
  sweep?: SweepRequest;
}

/** What Plan and Mark failed receive: the execution's input and name. */
export interface VerifyExecution {
  input: VerifyStartInput;
  execution: string;
}

/** The run every step shares (small). */
export interface VerifyRun {
  /** The verification id, or `sweep-<execution name>`; names the run's staging area in the vault. */
  run_id: string;
  level: VerificationLevel;
  /** The one verification of a single run; null for a sweep. */
  verification_id: string | null;
  /** The batches of packs to check (each item a `PlannedPack[]`), staged in the run's area. */
  batches: StagedList;
  /** The vault the run checks (its backups' `vault_uri`) and stages in; absent: the primary. */
  vault_uri?: string;
}

/**
 * What a Distributed Map fans out over (the run's size never reaches the
 * state): the staged item list, with the items per child execution
 * (`MaxItemsPerBatchPath`) and the children at once (`MaxConcurrencyPath`).
 */
export interface MapFanOut extends Batching {
  /** The item list the Map's `ItemReader` reads (indexes `0 … count-1`). */
  items: StagedItemList;
}

/** Output of Plan: the run, and the Check packs fan-out over its pack batches. */
export interface VerifyPlanOutput extends MapFanOut {
  /** The run; the Check packs children receive it as their `BatchInput.context`. */
  context: VerifyRun;
  test_restore: boolean;
  /** The scratch target of a test restore, fixed here so cleanup can find it whatever fails later. */
  scratch: ScratchTarget | null;
}

/** What one child execution of a Distributed Map hands its Task: its items and the Map's `BatchInput`. */
export interface MapBatch<B> {
  Items: number[];
  BatchInput: B;
}

/** One backup in a run's scope. */
export interface VerifyTarget {
  verification_id: string;
  backup_id: string;
  snapshot_id: string;
  /** The backup's vault (its record's `vault_uri`); absent: the primary. */
  vault_uri?: string;
}

/** A pack to check, with the index object that lists it. */
export interface PlannedPack {
  id: string;
  size: number;
  index: string;
}

/** What Plan stages in the vault for the batches and Finalize. */
export interface StagedVerifyPlan {
  level: VerificationLevel;
  targets: VerifyTarget[];
  /** Packs per batch (the batches are the staged list `run.batches`). */
  batch_size: number;
  /** Packs the scope references (all of them, sampled or not). */
  packs_total: number;
  /** Problems found while planning (a blob no index lists), with the backup they hit. */
  issues: Array<{ backup_id: string; message: string }>;
  sample: { start: number; end: number } | null;
}

/** Input of one Check packs child: pack batch indexes of the run's staged list. */
export type CheckBatchInput = MapBatch<{ context: VerifyRun }>;

/** What one pack batch staged (`batch-<n>`): its counts and the problems it found. */
export interface StagedBatchResult {
  /** Packs checked. */
  c: number;
  /** Bytes read. */
  b: number;
  problems: PackProblem[];
}

/** Output of Prepare scratch: the restore context, and the Restore into scratch fan-out over its partitions. */
export interface PrepareScratchOutput extends MapFanOut {
  context: RestoreContext;
}

/** Input of one Restore into scratch child: partition indexes of the scratch restore's staged list, the run (`context`, as every child's Record failure takes it) and the restore's context. */
export type ScratchBatchInput = MapBatch<{ context: VerifyRun; restore: RestoreContext }>;

/**
 * What one Restore into scratch child staged (`scratch-<first partition>`):
 * its partitions' summed counts, and the error names of those that failed.
 */
export interface ScratchBatchResult extends RestoredBatch {
  /** The error name of each partition that failed to restore. */
  failed: string[];
}

/** Output of Compare. */
export interface CompareOutput {
  records_expected: number;
  records_restored: number;
  records_counted: number;
  bytes: number;
}

/** What the test-restore branch left for Finalize. */
export interface TestRestoreState {
  comparison: CompareOutput | null;
  error: { Error?: string; Cause?: string } | null;
  cleanup?: { removed: number } | null;
}

/** Output of Finalize. */
export interface VerifyOutcome {
  status: 'passed' | 'failed';
  run_id: string;
  damaged_packs: number;
  damaged_backups: number;
}
