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
