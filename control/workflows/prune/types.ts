/** Payloads of the prune workflow: settings and counts, never data. */
import type { PruneRunResult, PruneRunSettings } from '../../catalog/types.js';
import type { StagedItemList } from '../../../vault/staging/item-list.js';

/** What starts a prune (the daily system schedule, the API or the CLI); every field optional. */
export interface PruneStartInput {
  /** Packs, index objects and staging areas younger than this are never touched. @default 86400 */
  grace_seconds?: number;
  /** Repack a pack once this fraction (0..1) of it is unused. @default 0.5 */
  repack_threshold?: number;
  /** Merge index objects when there are more than this many. @default 64 */
  compact_above?: number;
  /** Plan only: forget nothing, delete nothing. */
  dry_run?: boolean;
}

/** The settings every step shares, with defaults applied (the run's record keeps them). */
export type PruneSettings = PruneRunSettings;

/** Input of List jobs: the execution's name (which names the run) and its start input. */
export interface PruneListJobsInput {
  execution: string;
  input?: PruneStartInput | null;
}

/** Output of List jobs. */
export interface PruneJobList {
  /** The run's catalog record, `prune_<execution name>`. */
  prune_run_id: string;
  job_ids: string[];
  settings: PruneSettings;
  /** The vaults to prune, one after the other: the primary, then every other vault a backup records (`vault_uri`). */
  vaults: string[];
}

/** Input of one Apply retention iteration. */
export interface JobRetentionInput {
  job_id: string;
  settings: PruneSettings;
}

/** Output of one Apply retention iteration. */
export interface JobRetentionOutput {
  job_id: string;
  kept: number;
  forgotten: number;
  skipped: number;
  locks_extended: number;
  /** Copies forgotten in the job's copy vaults by their own policies. */
  copies_forgotten?: number;
  /** Set when the job's policy could not be applied (a bad policy does not stop the prune). */
  error?: { code: string; message: string };
}

/** Input of Prune (once per vault): the run, its settings, what each job's retention forgot (one count per job, in job order), the vault and the sums so far. */
export interface PruneStepInput {
  prune_run_id: string;
  settings: PruneSettings;
  forgotten: number[];
  /** The vault pruned (absent: the primary). */
  vault_uri?: string;
  /** Where that vault is in the run's list, and how many the list has. @default 0 of 1 */
  vault_index?: number;
  vault_count?: number;
  /** The result summed over the vaults pruned before (null for the first). */
  sofar?: PruneRunResult | null;
}

/** Output of Prune: the result summed over the vaults so far, and the next vault (done after the last, when the record is completed). */
export interface PruneVaultOutput {
  result: PruneRunResult;
  next: number;
  done: boolean;
}

/** What the prune workflow's Mark failed recorded. */
export interface PruneFailure {
  /** The Step Functions execution's name. */
  execution: string;
  /** The run's catalog record. */
  prune_run_id: string;
  /** A seed error code (`StorageUnavailable`, `KeyAccessDenied`, `InvalidConfiguration`, …). */
  code: string;
  message: string;
  failed_at: string;
}

/** What every phase after List jobs gets: the run (whose id names its staging area) and its settings. */
export interface PruneRunContext {
  prune_run_id: string;
  settings: PruneSettings;
  /** The vault this pass prunes (a backup's `vault_uri`); absent: the primary. */
  vault_uri?: string;
}

/** Input of a step that runs once (Plan prune, Settle packs, Compact index, Re-check). */
export interface PrunePhaseInput {
  context: PruneRunContext;
}

/** One Distributed Map child's batch: item numbers (snapshot batches, shards, sweep batches) and the run. */
export interface PruneItemBatch {
  Items: number[];
  BatchInput: { context: PruneRunContext };
}

/** A Distributed Map's fan-out: its item list, items per child, children at once. */
export interface PruneFanOut {
  items: StagedItemList;
  per_child: number;
  concurrency: number;
}

/** Output of Plan prune. */
export interface PrunePlanOutput {
  context: PruneRunContext;
  /** Mark: one item per batch of snapshots. */
  mark: PruneFanOut;
  /** Join: one item per blob shard. */
  join: PruneFanOut;
}

/** Output of Re-check: the sweep's batches of pack ids. */
export interface PruneRecheckOutput {
  sweep: PruneFanOut;
}

/** What a failed Distributed Map child's Record failure sends to Mark failed. */
export interface PruneItemFailedInput {
  context: Pick<PruneRunContext, 'prune_run_id'>;
  error?: { Error?: string; Cause?: string };
  from_item: true;
}
