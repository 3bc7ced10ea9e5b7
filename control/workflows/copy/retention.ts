/**
 * Retention in copy vaults: each copy vault of a job applies its own policy
 * (the copy's `retention`, else the job's) to the job's backups it holds
 * (copies `completed` and not yet forgotten there), independently of the
 * primary: a backup the primary forgot may live on in a copy vault, and the
 * reverse. Forgetting a copy deletes its snapshot from the copy vault and
 * marks the copy `deleted_at` on the backup's record; packs are left to
 * prune, which passes over every copy vault too. A copy under S3 Object Lock
 * is kept until its lock ends (its lock is the copy bucket's default
 * retention; the policy does not extend it).
 */
import { CopyStatus, type ExecutionRecord } from '../../catalog/types.js';
import { candidateOf, listJobBackups, snapshotKey } from '../../retention/backups.js';
import type { RetentionDeps } from '../../retention/deps.js';
import { evaluateRetention } from '../../retention/policy.js';
import { isLocked } from '../../../vault/storage/object-lock.js';
import { copyIn, updateCopy } from './record.js';

/** What one copy vault's retention did. */
export interface CopyVaultRetention {
  vault_uri: string;
  kept: number;
  forgotten: string[];
  /** Forgotten by the policy but under Object Lock in the copy vault. */
  skipped: string[];
}

/**
 * Applies a job's retention in each of its copy vaults.
 *
 * @param deps - the catalog, vaults, Object Lock and clock
 * @param jobId - the job
 * @param dryRun - plan only, change nothing
 * @returns per copy vault, what was kept and forgotten
 * @throws InvalidRetentionPolicyError for a policy the engine cannot evaluate
 */
export async function applyCopyRetention(deps: RetentionDeps, jobId: string, dryRun = false): Promise<CopyVaultRetention[]> {
  const job = await deps.catalog.getJob(jobId);
  if (!job.copies?.length) return [];
  const records = await listJobBackups(deps.catalog, jobId);
  const out: CopyVaultRetention[] = [];
  for (const copy of job.copies) {
    const location = deps.vaults.resolve({ bucket: copy.vault.bucket, path: copy.vault.path });
    // A copy vault sees only the backups it holds; the primary's forgetting is not its own.
    const held = records.filter((r) => isHeld(r, location.uri));
    const plan = evaluateRetention(
      held.map((r) => ({ ...candidateOf(r), deleted_at: null })),
      copy.retention ?? job.retention,
      { timeZone: job.schedule?.timezone || 'UTC', now: deps.now() },
    );
    const result: CopyVaultRetention = { vault_uri: location.uri, kept: plan.keep.length, forgotten: [], skipped: [] };
    out.push(result);
    if (dryRun) {
      result.forgotten.push(...plan.forget.map((f) => f.backup_id));
      continue;
    }
    const byId = new Map(held.map((r) => [r.backup_id, r]));
    for (const item of plan.forget) {
      const record = byId.get(item.backup_id)!;
      const key = snapshotKey(copyIn(record, location.uri)!.snapshot_id!);
      const lock = await deps.objectLock(location)?.retention(key);
      if (isLocked(lock, deps.now())) {
        result.skipped.push(item.backup_id);
        continue;
      }
      await (await deps.vault(location)).store.delete(key);
      await updateCopy(deps, record, location.uri, { deleted_at: deps.now().toISOString() });
      result.forgotten.push(item.backup_id);
    }
  }
  return out;
}

/** Whether a backup's copy in a vault is there: completed and not forgotten. */
function isHeld(record: ExecutionRecord, vaultUri: string): boolean {
  const copy = copyIn(record, vaultUri);
  return copy?.status === CopyStatus.Completed && !copy.deleted_at && copy.snapshot_id !== null;
}
