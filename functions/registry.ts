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
import { applyJobRetention } from '../engine/workflows/prune/apply-retention.js';
import { listPruneJobs } from '../engine/workflows/prune/list-jobs.js';
import { pruneStep } from '../engine/workflows/prune/prune.js';

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

/** Function name → step, for the prune workflow. */
export const PRUNE_FUNCTIONS = {
  'haven-prune-list-jobs': listPruneJobs,
  'haven-prune-apply-retention': applyJobRetention,
  'haven-prune': pruneStep,
} as const satisfies Record<string, Step>;

/** The prune ASL's substitution key for each function. */
export const PRUNE_SUBSTITUTIONS = {
  PruneListJobsFunctionArn: 'haven-prune-list-jobs',
  PruneApplyRetentionFunctionArn: 'haven-prune-apply-retention',
  PruneFunctionArn: 'haven-prune',
} as const satisfies Record<string, keyof typeof PRUNE_FUNCTIONS>;
