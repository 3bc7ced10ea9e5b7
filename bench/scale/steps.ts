/**
 * The backup steps' sizing as the model uses it: memory and timeout of each
 * Lambda step, read from the step table (infra/constructs/backup-functions.ts)
 * and matched to the ASL's Task states by their `${Placeholder}`.
 */
import { BACKUP_STEP_SPECS, type BackupStep } from '../../infra/constructs/backup-functions.js';
import { VaultAccess } from '../../infra/constructs/vault-bucket.js';

/** One step's Lambda sizing. */
export interface StepSizing {
  step: string;
  memory_mb: number;
  timeout_seconds: number;
  /** The step opens the vault (its step table grants vault access). */
  opens_vault: boolean;
}

/** Every backup step's sizing, by the ASL placeholder of its function (`${PlanFunctionArn}` …). */
export function backupStepSizing(): Map<string, StepSizing> {
  const sizing = new Map<string, StepSizing>();
  for (const [step, spec] of Object.entries(BACKUP_STEP_SPECS) as Array<[BackupStep, (typeof BACKUP_STEP_SPECS)[BackupStep]]>) {
    sizing.set(`\${${spec.substitution}}`, { step, memory_mb: spec.memorySize, timeout_seconds: spec.timeout.toSeconds(), opens_vault: spec.vault !== VaultAccess.None });
  }
  return sizing;
}
