/**
 * Lambda entry points of the backup workflow, one export per step: the
 * step table in infra/constructs/backup-functions.ts names each step as its
 * export, and CDK points the step's function at it.
 */
import { commitBackup } from '../../control/workflows/backup/commit.js';
import { exportBatch } from '../../control/workflows/backup/export-partition.js';
import { finalizeBackup } from '../../control/workflows/backup/finalize.js';
import { markBackupFailed, markBackupItemFailed, type FailedState, type ItemFailedInput } from '../../control/workflows/backup/mark-failed.js';
import { planBackup, planFromRanges } from '../../control/workflows/backup/plan.js';
import { joinListing as joinListingRounds, LIST_CHILD_RESERVE_SECONDS, listSourceRanges, type ListBatchInput } from '../../control/workflows/backup/list-source.js';
import { holdBackupSnapshot, holderBudgetMs, planHeldPartitions, releaseBackupSnapshot, type HolderInput } from '../../control/workflows/backup/hold-snapshot.js';
import type { BackupContext, BackupStartInput, HolderPlan, ListingOutput } from '../../control/workflows/backup/types.js';
import { HavenEnv } from '../../control/env.js';
import { planBackupVerification, recordBackupVerification, verifyPackBatches } from '../../control/workflows/backup/verify.js';
import { startCopies as startCopyWorkflow } from '../../control/workflows/copy/start.js';
import type { CopyStartInput } from '../../control/workflows/copy/types.js';
import { stepHandler } from '../shared/step-handler.js';

/** Plan; and Plan partitions (`{holder}`: the export branch of a backup whose snapshot the holder branch holds). */
export const plan = stepHandler('plan', (deps, event: BackupStartInput | { holder: HolderPlan }) =>
  'holder' in event && !('job_id' in event) ? planHeldPartitions(deps, event) : planBackup(deps, event as BackupStartInput),
);
/** List source (one Distributed Map child: a batch of key ranges, listed within its key budget and its time less a reserve). */
export const listSource = stepHandler('list-source', (deps, event: ListBatchInput, context) =>
  listSourceRanges(deps, event, Date.now() + context.getRemainingTimeInMillis() - LIST_CHILD_RESERVE_SECONDS * 1000),
);
/** Join listing: stage the next round of List source, or plan the partitions from every piece. */
export const joinListing = stepHandler('join-listing', (deps, event: ListingOutput) =>
  joinListingRounds(deps, event, (planned, config, description, ranges) => planFromRanges(deps, planned, config, description, ranges)),
);
/** Hold snapshot: one invocation of a holder loop (holds a generation of the source's snapshot until Release snapshot or a handoff, or waits to take it over). */
export const holdSnapshot = stepHandler('hold-snapshot', (deps, event: HolderInput, context) =>
  holdBackupSnapshot(deps, event, holderBudgetMs(context.getRemainingTimeInMillis(), process.env[HavenEnv.SnapshotHolderBudgetMs])),
);
/** Release snapshot: lets the holder go once the last partition committed. */
export const releaseSnapshot = stepHandler('release-snapshot', releaseBackupSnapshot);
/** Export partitions (one Distributed Map child: a batch of partitions). */
export const exportPartition = stepHandler('export-partition', exportBatch);
/** Commit the snapshot. */
export const commit = stepHandler('commit', (deps, event: { context: BackupContext }) => commitBackup(deps, event.context));
/** Plan verify: check every referenced pack exists; with checksum verification, stage the new packs in batches. */
export const planVerify = stepHandler('plan-verify', planBackupVerification);
/** Verify packs (one Distributed Map child: a few pack batches read back and authenticated). */
export const verifyPacks = stepHandler('verify-packs', verifyPackBatches);
/** Record verification: gather the pack batches' results. */
export const recordVerification = stepHandler('record-verification', recordBackupVerification);
/** Finalize. */
export const finalize = stepHandler('finalize', finalizeBackup);
/** Start copies: start the copy workflow for the completed backup (its job lists copy vaults). */
export const startCopies = stepHandler('start-copies', (_deps, event: CopyStartInput) => startCopyWorkflow(process.env[HavenEnv.CopyStateMachineArn], event));
/** Mark failed: the workflow's (`{state}`), or a failed item's batch (`{context, error, from_item}`, the Map child's Record failure). */
export const markFailed = stepHandler('mark-failed', (deps, event: { state: FailedState } | ItemFailedInput) =>
  'from_item' in event ? markBackupItemFailed(deps, event) : markBackupFailed(deps, event.state),
);
