/**
 * Finalize: gather what the pack batches staged (their counts and problems;
 * every batch must have staged its result), the test restore's outcome and
 * Plan's findings; name the damaged packs and every backup in the vault
 * that depends on them; mark those backups; record each verification
 * (completed, or failed with `CorruptedBackup`); emit `Verification Failed`
 * or `Verification Succeeded` (once: a retry that finds every record
 * written already does not publish again); clear the run's staging.
 */
import { ErrorCode } from '../../../vault/errors.js';
import { isTerminal, RecordStatus } from '../../catalog/status.js';
import type { VerificationResult } from '../../catalog/types.js';
import { VerificationLevel } from '../../verification/levels.js';
import { describeScratch, type ScratchTarget } from '../../verification/scratch.js';
import type { WorkflowDeps } from '../deps.js';
import { causeMessage } from '../errors.js';
import { clearStaged } from '../../../vault/staging/staging.js';
import { markDamaged, markFailed, markPassed } from './annotate.js';
import { damagedDependents } from './dependents.js';
import { readBatchResults, readVerifyPlan } from './staged.js';
import type { TestRestoreState, VerifyOutcome, VerifyRun } from './types.js';
import { vaultAt } from '../vault-opener.js';

const LISTED = 100;

/** Runs the verify Finalize step. */
export async function finalizeVerification(deps: WorkflowDeps, input: { run: VerifyRun; test: TestRestoreState | null; scratch?: ScratchTarget | null }): Promise<VerifyOutcome> {
  const { run } = input;
  const vault = await vaultAt(deps, run);
  const plan = await readVerifyPlan(vault, run.run_id);
  const checked = await readBatchResults(vault, run.run_id, run.batches.count);
  const problems = checked.flatMap((batch) => batch.problems);
  const damagedPacks = [...new Set(problems.map((p) => p.pack))].sort();
  const dependents = damagedPacks.length > 0 ? await damagedDependents(vault, new Set(damagedPacks)) : new Map<string, string[]>();
  const damagedBackups = [...dependents.keys()].sort();
  const at = deps.now().toISOString();
  const stamp = { level: run.level, verification_id: plan.targets[0]?.verification_id ?? run.run_id, at };

  for (const [backupId, packs] of dependents) {
    const own = plan.targets.find((t) => t.backup_id === backupId);
    await markDamaged(deps.catalog, backupId, packs, { ...stamp, verification_id: own?.verification_id ?? stamp.verification_id });
  }

  const test = input.test;
  const testRestore = run.level === VerificationLevel.TestRestore;
  const testFailure = testRestore ? (test?.error ? causeMessage(test.error.Cause) : test?.comparison ? null : 'the test restore did not run') : null;
  const packsChecked = checked.reduce((n, c) => n + c.c, 0);
  const bytesChecked = checked.reduce((n, c) => n + c.b, 0);
  const failedIds: string[] = [];
  let recorded = 0;
  for (const target of plan.targets) {
    const mine = [
      ...plan.issues.filter((i) => i.backup_id === target.backup_id).map((i) => i.message),
      ...problems.filter((p) => dependents.get(target.backup_id)?.includes(p.pack)).map((p) => p.message),
      ...(testFailure ? [`test restore: ${testFailure}`] : []),
    ];
    const result: VerificationResult = {
      level: run.level,
      checksum_verified: run.level === VerificationLevel.Checksum || testRestore,
      integrity_verified: true,
      test_restore_verified: testRestore && !testFailure,
      bytes_checked: bytesChecked,
      packs_total: plan.packs_total,
      packs_checked: packsChecked,
      issues: mine.slice(0, LISTED),
      damaged_packs: (dependents.get(target.backup_id) ?? []).slice(0, LISTED),
      damaged_backups: damagedBackups.slice(0, LISTED),
      ...(plan.sample ? { sample: plan.sample } : {}),
      ...(testRestore ? { test_restore_result: test?.comparison ? { ...test.comparison, scratch: input.scratch ? describeScratch(input.scratch) : '', cleaned_up: Boolean(test.cleanup) } : null } : {}),
    };
    const stampFor = { ...stamp, verification_id: target.verification_id };
    const record = await deps.catalog.verifications.get(target.verification_id);
    if (isTerminal(record.status)) {
      // A retried Finalize: this one was recorded already.
      if (record.status === RecordStatus.Failed) failedIds.push(target.verification_id);
      continue;
    }
    recorded += 1;
    if (mine.length === 0) {
      await deps.catalog.verifications.transition(target.verification_id, RecordStatus.Completed, { phase: 'completed', progress: 100, result });
      await markPassed(deps.catalog, target.backup_id, stampFor);
    } else {
      failedIds.push(target.verification_id);
      await deps.catalog.verifications.transition(target.verification_id, RecordStatus.Failed, { phase: 'failed', result, error: { code: ErrorCode.CorruptedBackup, message: mine.join('; ').slice(0, 2000) } });
      if (!dependents.has(target.backup_id)) await markFailed(deps.catalog, target.backup_id, stampFor);
    }
  }

  const status = failedIds.length > 0 || damagedPacks.length > 0 ? 'failed' : 'passed';
  const ids = plan.targets.map((t) => t.verification_id);
  // The attempt that records the outcome announces it; a retry that found every record written already does not.
  if (recorded > 0 || plan.targets.length === 0) await deps.publish(
    status === 'failed'
      ? {
          detailType: 'Verification Failed',
          detail: {
            run_id: run.run_id,
            level: run.level,
            verification_ids: failedIds.slice(0, LISTED),
            backup_ids: plan.targets.filter((t) => failedIds.includes(t.verification_id)).map((t) => t.backup_id).slice(0, LISTED),
            damaged_packs: damagedPacks.slice(0, LISTED),
            damaged_backups: damagedBackups.slice(0, LISTED),
            damaged_pack_count: damagedPacks.length,
            error_code: ErrorCode.CorruptedBackup,
          },
        }
      : { detailType: 'Verification Succeeded', detail: { run_id: run.run_id, level: run.level, verification_ids: ids.slice(0, LISTED), packs_checked: packsChecked } },
  );
  await clearStaged(vault, run.run_id);
  return { status, run_id: run.run_id, damaged_packs: damagedPacks.length, damaged_backups: damagedBackups.length };
}
