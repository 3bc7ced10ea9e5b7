/**
 * Plan: validate the backup and the target, pick the snapshot (by backup id,
 * or the newest completed backup at or before `target_timestamp`), check the
 * snapshot against the catalog's recorded SHA-256, apply the conflict policy
 * (`fail_if_exists` refuses a non-empty target here, before anything is
 * written), and decide whether a safety backup of the target comes first.
 * The partition names, the destination and the key selection are staged in
 * the restore's area (`staging/<restore id>/`); the state carries references.
 */
import { RecordStatus } from '../../catalog/status.js';
import type { ExecutionRecord, RestoreDestination } from '../../catalog/types.js';
import type { Catalog } from '../../catalog/catalog.js';
import { CorruptedBackupError } from '../../../vault/format/errors.js';
import { parseRestoreDestination } from '../../../sources/config.js';
import type { KeySelection } from '../../../sources/key-filter.js';
import { ConflictPolicy } from '../../../sources/source.js';
import type { WorkflowDeps } from '../deps.js';
import { InvalidJobError } from '../errors.js';
import { servingVault } from './serving-vault.js';
import { stageRunFanOut } from '../map-items.js';
import { batchingFor, RESTORE_BYTES_PER_SECOND } from '../backup/batching.js';
import { RESTORE_PARTITION_LIST, RESTORE_PLAN, stageRestorePlan } from './staged-plan.js';
import type { RestorePlanOutput, RestoreStartInput } from './types.js';
import { reportTotals } from '../../catalog/progress-report.js';

/** The newest completed backup of a job at or before a time. */
export async function backupAt(catalog: Catalog, jobId: string, timestamp: string): Promise<ExecutionRecord> {
  const page = await catalog.listExecutions({ job_id: jobId, status: RecordStatus.Completed, date_to: timestamp, limit: 1000 });
  const newest = page.items.filter((e) => e.result && e.started_at <= timestamp).sort((a, b) => b.started_at.localeCompare(a.started_at))[0];
  if (!newest) throw new InvalidJobError(`job ${jobId} has no completed backup at or before ${timestamp}`);
  return newest;
}

function conflictPolicyOf(options: Record<string, unknown>, destination: RestoreDestination): ConflictPolicy {
  const explicit = options.conflict_policy ?? destination.conflict_policy;
  if (explicit !== undefined) {
    if (!Object.values(ConflictPolicy).includes(explicit as ConflictPolicy)) throw new InvalidJobError(`conflict_policy must be one of ${Object.values(ConflictPolicy).join(', ')}`);
    return explicit as ConflictPolicy;
  }
  return destination.overwrite_existing === true ? ConflictPolicy.Overwrite : ConflictPolicy.FailIfExists;
}

function selectionOf(options: Record<string, unknown>): KeySelection | null {
  const prefixes = stringList(options.key_prefixes);
  const include = stringList(options.include);
  const exclude = stringList(options.exclude);
  if (!prefixes && !include && !exclude) return null;
  return { ...(prefixes ? { prefixes } : {}), ...(include ? { include } : {}), ...(exclude ? { exclude } : {}) };
}

function stringList(value: unknown): string[] | null {
  return Array.isArray(value) && value.length > 0 ? value.map(String) : null;
}

/** Runs the restore Plan step. */
export async function planRestore(deps: WorkflowDeps, input: RestoreStartInput): Promise<RestorePlanOutput> {
  const { catalog } = deps;
  const restore = await catalog.restores.get(input.restore_id);
  const options = restore.restore_options ?? {};
  let backup = await catalog.getBackup(restore.backup_id);
  if (typeof options.target_timestamp === 'string') backup = await backupAt(catalog, backup.job_id, options.target_timestamp);
  if (backup.status !== RecordStatus.Completed || !backup.result) throw new InvalidJobError(`backup ${backup.backup_id} is ${backup.status}; only completed backups restore`);

  if (backup.result.snapshot_id !== backup.result.snapshot_sha256) throw new CorruptedBackupError(`backup ${backup.backup_id}: catalog snapshot id and hash disagree`);
  // The backup's own vault, or the first completed copy that can serve it (serving-vault.ts); the restore stages there too.
  const { vault, location, servedFrom } = await servingVault(deps, backup, backup.result.snapshot_id);
  const snapshotId = servedFrom.snapshot_id;
  const snapshot = await vault.readSnapshot(snapshotId);
  const wanted = stringList(options.partitions);
  const partitions = snapshot.partitions.filter((p) => !wanted || wanted.includes(p.name));
  if (wanted && partitions.length !== wanted.length) throw new InvalidJobError(`unknown partitions: ${wanted.filter((w) => !snapshot.partitions.some((p) => p.name === w)).join(', ')}`);

  const destination = parseRestoreDestination(restore.destination);
  const conflict = conflictPolicyOf(options, destination);
  const description = (snapshot.source.description ?? {}) as Record<string, unknown>;
  const target = deps.target(destination);
  await target.prepare({ conflict_policy: conflict, create_missing_tables: options.create_missing_tables !== false && destination.create_missing_tables !== false }, description);

  const { list: staged, items } = await stageRunFanOut(deps, { vault, location }, restore.restore_id, RESTORE_PARTITION_LIST, partitions.map((p) => p.name));
  const plan = await stageRestorePlan(vault, { area: restore.restore_id, name: RESTORE_PLAN }, { destination, select: selectionOf(options) });
  await catalog.restores.annotate(restore.restore_id, { served_from: servedFrom });
  if (restore.status === RecordStatus.Queued) await catalog.restores.transition(restore.restore_id, RecordStatus.Running, { phase: 'restoring', progress: 5 });
  // Progress counts partitions and the snapshot's partition sizes (control/catalog/progress.ts).
  await reportTotals(catalog.restores, restore.restore_id, { items: partitions.length, bytes: partitions.reduce((n, p) => n + p.size, 0) });
  const bytes = partitions.reduce((n, p) => n + p.size, 0);
  return {
    restore_id: restore.restore_id,
    context: {
      restore_id: restore.restore_id,
      backup_id: backup.backup_id,
      snapshot_id: snapshotId,
      conflict_policy: conflict,
      plan,
      partitions: staged,
      requested_partitions: wanted ? wanted.length : null,
      records_expected: partitions.reduce((n, p) => n + p.records, 0),
      bytes_expected: bytes,
      ...(backup.vault_uri || servedFrom.copy ? { vault_uri: servedFrom.vault_uri } : {}),
      ...(options.skip_constraints === true ? { skip_constraints: true } : {}),
      ...(options.skip_indexes === true ? { skip_indexes: true } : {}),
    },
    items,
    safety_backup: conflict === ConflictPolicy.Overwrite && options.safety_backup !== false,
    ...batchingFor({ items: staged.count, bytes, bytesPerSecond: RESTORE_BYTES_PER_SECOND, concurrency: options.max_parallel_jobs }),
  };
}
