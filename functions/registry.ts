/**
 * Every workflow function by its deployed name, with the step it runs. The
 * local runner maps each ASL Task's resource to these (CDK deploys the same
 * steps through the entry files next to this one).
 */
import { commitBackup } from '../engine/workflows/backup/commit.js';
import { exportPartition } from '../engine/workflows/backup/export-partition.js';
import { finalizeBackup } from '../engine/workflows/backup/finalize.js';
import { markBackupFailed, type FailedState } from '../engine/workflows/backup/mark-failed.js';
import { planBackup } from '../engine/workflows/backup/plan.js';
import type { BackupContext } from '../engine/workflows/backup/types.js';
import { verifyBackup } from '../engine/workflows/backup/verify.js';
import type { WorkflowDeps } from '../engine/workflows/deps.js';
import { finalizeRestore } from '../engine/workflows/restore/finalize.js';
import { markRestoreFailed } from '../engine/workflows/restore/mark-failed.js';
import { planRestore } from '../engine/workflows/restore/plan.js';
import { restoreOnePartition } from '../engine/workflows/restore/restore-partition.js';
import { safetyBackup } from '../engine/workflows/restore/safety-backup.js';
import type { RestoreContext } from '../engine/workflows/restore/types.js';
import { validateRestore } from '../engine/workflows/restore/validate.js';
import { checkPackBatch } from '../engine/workflows/verify/check-batch.js';
import { cleanupScratchStep } from '../engine/workflows/verify/cleanup-scratch.js';
import { compareScratch } from '../engine/workflows/verify/compare.js';
import { finalizeVerification } from '../engine/workflows/verify/finalize.js';
import { markVerificationFailed } from '../engine/workflows/verify/mark-failed.js';
import { planVerification } from '../engine/workflows/verify/plan.js';
import { prepareScratch } from '../engine/workflows/verify/prepare-scratch.js';
import { applyJobRetention } from '../engine/workflows/prune/apply-retention.js';
import { listPruneJobs } from '../engine/workflows/prune/list-jobs.js';
import { pruneStep } from '../engine/workflows/prune/prune.js';
import { markPruneFailed } from '../engine/workflows/prune/mark-failed.js';

/** A step as the registry holds it. */
export type Step = (deps: WorkflowDeps, event: never) => Promise<unknown>;

/** Function name → step, for the backup workflow. */
export const BACKUP_FUNCTIONS = {
  'haven-backup-plan': planBackup,
  'haven-backup-export-partition': exportPartition,
  'haven-backup-commit': (deps: WorkflowDeps, event: { context: BackupContext }) => commitBackup(deps, event.context),
  'haven-backup-verify': verifyBackup,
  'haven-backup-finalize': finalizeBackup,
  'haven-backup-mark-failed': (deps: WorkflowDeps, event: { state: FailedState }) => markBackupFailed(deps, event.state),
} as const satisfies Record<string, Step>;

/** The backup ASL's substitution key for each function. */
export const BACKUP_SUBSTITUTIONS = {
  PlanFunctionArn: 'haven-backup-plan',
  ExportPartitionFunctionArn: 'haven-backup-export-partition',
  CommitFunctionArn: 'haven-backup-commit',
  VerifyFunctionArn: 'haven-backup-verify',
  FinalizeFunctionArn: 'haven-backup-finalize',
  MarkFailedFunctionArn: 'haven-backup-mark-failed',
} as const satisfies Record<string, keyof typeof BACKUP_FUNCTIONS>;

/** Function name → step, for the restore workflow. */
export const RESTORE_FUNCTIONS = {
  'haven-restore-plan': planRestore,
  'haven-restore-safety-backup': (deps: WorkflowDeps, event: { context: RestoreContext }) => safetyBackup(deps, event.context),
  'haven-restore-partition': restoreOnePartition,
  'haven-restore-validate': validateRestore,
  'haven-restore-finalize': finalizeRestore,
  'haven-restore-mark-failed': markRestoreFailed,
} as const satisfies Record<string, Step>;

/** The restore ASL's substitution key for each function. */
export const RESTORE_SUBSTITUTIONS = {
  RestorePlanFunctionArn: 'haven-restore-plan',
  SafetyBackupFunctionArn: 'haven-restore-safety-backup',
  RestorePartitionFunctionArn: 'haven-restore-partition',
  RestoreValidateFunctionArn: 'haven-restore-validate',
  RestoreFinalizeFunctionArn: 'haven-restore-finalize',
  RestoreMarkFailedFunctionArn: 'haven-restore-mark-failed',
} as const satisfies Record<string, keyof typeof RESTORE_FUNCTIONS>;

/**
 * Function name → step, for the verify workflow. The test restore reuses
 * the restore workflow's partition step (its own function, so its grants
 * reach only scratch targets).
 */
export const VERIFY_FUNCTIONS = {
  'haven-verify-plan': planVerification,
  'haven-verify-check-packs': checkPackBatch,
  'haven-verify-prepare-scratch': prepareScratch,
  'haven-verify-restore-partition': restoreOnePartition,
  'haven-verify-compare': compareScratch,
  'haven-verify-cleanup-scratch': cleanupScratchStep,
  'haven-verify-finalize': finalizeVerification,
  'haven-verify-mark-failed': markVerificationFailed,
} as const satisfies Record<string, Step>;

/** The verify ASL's substitution key for each function. */
export const VERIFY_SUBSTITUTIONS = {
  VerifyPlanFunctionArn: 'haven-verify-plan',
  VerifyCheckPacksFunctionArn: 'haven-verify-check-packs',
  VerifyPrepareScratchFunctionArn: 'haven-verify-prepare-scratch',
  VerifyRestorePartitionFunctionArn: 'haven-verify-restore-partition',
  VerifyCompareFunctionArn: 'haven-verify-compare',
  VerifyCleanupScratchFunctionArn: 'haven-verify-cleanup-scratch',
  VerifyFinalizeFunctionArn: 'haven-verify-finalize',
  VerifyMarkFailedFunctionArn: 'haven-verify-mark-failed',
} as const satisfies Record<string, keyof typeof VERIFY_FUNCTIONS>;

/** Function name → step, for the prune workflow. */
export const PRUNE_FUNCTIONS = {
  'haven-prune-list-jobs': listPruneJobs,
  'haven-prune-apply-retention': applyJobRetention,
  'haven-prune': pruneStep,
  'haven-prune-mark-failed': markPruneFailed,
} as const satisfies Record<string, Step>;

/** The prune ASL's substitution key for each function. */
export const PRUNE_SUBSTITUTIONS = {
  PruneListJobsFunctionArn: 'haven-prune-list-jobs',
  PruneApplyRetentionFunctionArn: 'haven-prune-apply-retention',
  PruneFunctionArn: 'haven-prune',
  PruneMarkFailedFunctionArn: 'haven-prune-mark-failed',
} as const satisfies Record<string, keyof typeof PRUNE_FUNCTIONS>;

/** Every workflow function's name. */
export type WorkflowFunctionName = keyof typeof BACKUP_FUNCTIONS | keyof typeof RESTORE_FUNCTIONS | keyof typeof VERIFY_FUNCTIONS | keyof typeof PRUNE_FUNCTIONS;

/**
 * The functions whose step may start again while an earlier attempt of the
 * same item may still be running (the only ones whose Task states retry
 * `States.Timeout`; test/workflows/asl-timeouts.test.ts holds the ASL to
 * it). Every other step is unsafe to run twice at once: it creates records
 * or snapshots (plan, commit, safety backup), writes a target whose second
 * load would duplicate rows (a PostgreSQL partition), builds indexes
 * (restore validate), forgets or deletes (retention, prune), or announces
 * an outcome no record guards (finalize, prune's mark failed).
 */
export const RERUNNABLE_FUNCTIONS: ReadonlySet<WorkflowFunctionName> = new Set<WorkflowFunctionName>([
  // A second export writes its own packs and the same manifest; either commits a complete partition.
  'haven-backup-export-partition',
  // Reads only.
  'haven-backup-verify',
  // The transition to FAILED is conditional: of two at once, one records and publishes, the other does neither.
  'haven-backup-mark-failed',
  'haven-restore-mark-failed',
  'haven-verify-mark-failed',
  // Reads, and stages its batch's problems under the batch's own name.
  'haven-verify-check-packs',
  // Scratch targets are DynamoDB or S3, whose writes are idempotent.
  'haven-verify-restore-partition',
  // Reads only.
  'haven-verify-compare',
  // Deletes what is there; deleting twice is deleting once.
  'haven-verify-cleanup-scratch',
  // Reads only.
  'haven-prune-list-jobs',
]);
