/**
 * The backups a verify run covers: the one its verification record names,
 * or, for a sweep, every completed backup (or each job's newest), each
 * given its own verification record so the API shows the sweep's results
 * backup by backup.
 */
import type { Catalog } from '../../catalog/catalog.js';
import { RecordStatus } from '../../catalog/status.js';
import type { ExecutionRecord, VerificationRecord } from '../../catalog/types.js';
import { checkVerificationRequest, createVerification } from '../../verification/create.js';
import { BackupNotVerifiableError, InvalidVerificationError } from '../../verification/errors.js';
import { VerificationLevel, type VerificationLevel as Level } from '../../verification/levels.js';
import { SweepScope, type SweepRequest, type VerifyTarget } from './types.js';

/** What a run covers, and how. */
export interface RunScope {
  level: Level;
  targets: VerifyTarget[];
  sample_percent: number | null;
  sample_bytes: number | null;
}

function targetOf(record: VerificationRecord, backup: ExecutionRecord): VerifyTarget {
  if (backup.status !== RecordStatus.Completed || !backup.result) throw new BackupNotVerifiableError(`backup ${backup.backup_id} is ${backup.status}; only completed backups can be verified`);
  return { verification_id: record.verification_id, backup_id: backup.backup_id, snapshot_id: backup.result.snapshot_id, ...(backup.vault_uri ? { vault_uri: backup.vault_uri } : {}) };
}

/**
 * The scope of a single verification; moves its record to running.
 *
 * @throws NotFoundError, InvalidVerificationError (a finished record), BackupNotVerifiableError
 */
export async function singleScope(catalog: Catalog, verificationId: string): Promise<RunScope> {
  const record = await catalog.verifications.get(verificationId);
  if (record.status !== RecordStatus.Queued && record.status !== RecordStatus.Running) {
    throw new InvalidVerificationError(`verification ${verificationId} is already ${record.status}`);
  }
  const checked = checkVerificationRequest({ level: record.level ?? record.verification_type, sample_percent: record.sample_percent ?? undefined, sample_bytes: record.sample_bytes ?? undefined });
  const target = targetOf(record, await catalog.getBackup(record.backup_id));
  if (record.status === RecordStatus.Queued) await catalog.verifications.transition(verificationId, RecordStatus.Running, { phase: 'planning', progress: 1 });
  return { level: checked.level, targets: [target], sample_percent: checked.sample_percent, sample_bytes: checked.sample_bytes };
}

async function completedBackups(catalog: Catalog): Promise<ExecutionRecord[]> {
  const out: ExecutionRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = await catalog.listExecutions({ status: RecordStatus.Completed, limit: 1000, cursor });
    out.push(...page.items.filter((e) => e.result));
    cursor = page.next_cursor;
  } while (cursor);
  return out;
}

function newestPerJob(backups: readonly ExecutionRecord[]): ExecutionRecord[] {
  const newest = new Map<string, ExecutionRecord>();
  for (const backup of backups) {
    const seen = newest.get(backup.job_id);
    if (!seen || backup.started_at > seen.started_at) newest.set(backup.job_id, backup);
  }
  return [...newest.values()];
}

/**
 * The scope of a sweep: creates a running verification per backup.
 *
 * @throws InvalidVerificationError for a bad level, scope or sample size (test restores are not swept)
 */
export async function sweepScope(catalog: Catalog, sweep: SweepRequest, sweepId: string, inVault: (backup: ExecutionRecord) => boolean = () => true): Promise<RunScope> {
  const checked = checkVerificationRequest({ level: sweep.level, sample_percent: sweep.sample_percent, sample_bytes: sweep.sample_bytes });
  if (checked.level === VerificationLevel.TestRestore) throw new InvalidVerificationError('a sweep runs quick, sample or checksum; test restores are requested per backup');
  const scope = sweep.scope ?? SweepScope.All;
  if (!Object.values(SweepScope).includes(scope)) throw new InvalidVerificationError(`sweep scope must be one of ${Object.values(SweepScope).join(', ')}, not ${JSON.stringify(scope)}`);
  const all = (await completedBackups(catalog)).filter(inVault);
  const chosen = scope === SweepScope.Latest ? newestPerJob(all) : all;
  const targets: VerifyTarget[] = [];
  for (const backup of chosen.sort((a, b) => a.backup_id.localeCompare(b.backup_id))) {
    // A retried Plan reuses the records it created for this sweep.
    const existing = (await catalog.verifications.list({ backup_id: backup.backup_id, limit: 20 })).items.find((r) => r.sweep_id === sweepId);
    if (existing) {
      targets.push(targetOf(existing, backup));
      continue;
    }
    const record = await createVerification(catalog, {
      backup_id: backup.backup_id,
      level: checked.level,
      ...(checked.sample_percent !== null ? { sample_percent: checked.sample_percent } : {}),
      ...(checked.sample_bytes !== null ? { sample_bytes: checked.sample_bytes } : {}),
      requested_by: 'schedule',
      sweep_id: sweepId,
    });
    await catalog.verifications.transition(record.verification_id, RecordStatus.Running, { phase: 'planning', progress: 1 });
    targets.push(targetOf(record, backup));
  }
  return { level: checked.level, targets, sample_percent: checked.sample_percent, sample_bytes: checked.sample_bytes };
}
