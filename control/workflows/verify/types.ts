/** Payloads of the verify workflow's steps: ids, counts and small settings, never pack lists. */
import type { VerificationLevel } from '../../verification/levels.js';
import type { ScratchTarget } from '../../verification/scratch.js';
import type { RestoreContext } from '../restore/types.js';
import type { StagedList } from '../../../vault/staging/staged-list.js';

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
}

/** Output of Plan. */
export interface VerifyPlanOutput {
  run: VerifyRun;
  /** What the Check packs map iterates: `0 … run.batches.count-1`. */
  batch_indexes: number[];
  max_concurrency: number;
  test_restore: boolean;
  /** The scratch target of a test restore, fixed here so cleanup can find it whatever fails later. */
  scratch: ScratchTarget | null;
}

/** One backup in a run's scope. */
export interface VerifyTarget {
  verification_id: string;
  backup_id: string;
  snapshot_id: string;
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

/** Input of one Map iteration: the batch's index in the staged list. */
export interface CheckBatchInput {
  run: VerifyRun;
  batch: number;
}

/** Output of one Map iteration (tiny: thousands travel in state). */
export interface CheckBatchOutput {
  /** Packs checked. */
  c: number;
  /** Bytes read. */
  b: number;
  /** Problems found (the details are staged). */
  i: number;
}

/** Output of Prepare scratch. */
export interface PrepareScratchOutput {
  context: RestoreContext;
  /** What the Restore into scratch map iterates: `0 … context.partitions.count-1`. */
  partition_indexes: number[];
  max_concurrency: number;
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
