/**
 * Export partition (one Map iteration): stream one partition of the source
 * through chunk → compress → encrypt → pack upload in one pass, write the
 * packs' index, and stage the partition's manifest. Idempotent: a retried
 * iteration whose manifest exists returns at once.
 */
import { openSession } from '../../backup/run-backup.js';
import type { RecordCounter } from '../../sources/source.js';
import type { Vault } from '../../vault/vault.js';
import type { WorkflowDeps } from '../deps.js';
import { partitionManifestName, readStaged, writeStaged, type StagedPartition, type StagedPlan } from '../staging.js';
import type { ExportInput } from './types.js';

/** Bytes per stage of one partition, reported back to the workflow. */
export interface ExportOutput {
  partition: string;
  bytes_read: number;
  bytes_new: number;
  bytes_stored: number;
  records: number;
  skipped?: true;
}

/** Runs one Export partition iteration. */
export async function exportPartition(deps: WorkflowDeps, input: ExportInput): Promise<ExportOutput> {
  const { context, partition } = input;
  const vault = await deps.vault();
  const manifestName = partitionManifestName(input.index);
  const existing = await readStaged<StagedPartition>(vault, context.backup_id, manifestName);
  if (existing) {
    return { partition: partition.name, ...pick(existing), skipped: true };
  }
  const plan = await stagedPlan(vault, context.backup_id);
  const session = await openSession(vault, { type: context.type, baseFull: context.base_full, ...(plan ? { indexIds: plan.index_ids } : {}) }, { compression: context.compression });
  const counter: RecordCounter = { records: 0 };
  const source = deps.source(context.source);
  await session.backupPartition(partition.name, source.export(partition, counter), { records: () => counter.records });
  const result = await session.finish();
  const staged: StagedPartition = { partitions: result.partitions, index_ids: result.index_ids, counts: result.counts };
  await writeStaged(vault, context.backup_id, manifestName, staged);
  // Partitions finish roughly in order and progress never goes down, so the index is a fair, cheap
  // estimate; about twenty updates per backup keep catalog writes low for 1,000-partition plans.
  const step = Math.max(1, Math.ceil(context.partition_count / 20));
  if ((input.index + 1) % step !== 0 && input.index + 1 !== context.partition_count) return { partition: partition.name, ...pick(staged) };
  await deps.catalog.executions
    .updateProgress(context.execution_id, { progress: 5 + Math.floor((80 * (input.index + 1)) / Math.max(1, context.partition_count)), phase: 'exporting' })
    .catch((error: unknown) => {
      // Progress is advisory: a cancelled or failed record refuses it, and that is not this iteration's failure.
      if ((error as { name?: string }).name !== 'NotRunningError') throw error;
    });
  return { partition: partition.name, ...pick(staged) };
}

const plans = new Map<string, Promise<StagedPlan | undefined>>();

/** The staged plan of a backup, read once per container (every iteration of a backup needs it). */
function stagedPlan(vault: Vault, backupId: string): Promise<StagedPlan | undefined> {
  let plan = plans.get(backupId);
  if (!plan) {
    if (plans.size >= 16) plans.delete(plans.keys().next().value!);
    plan = readStaged<StagedPlan>(vault, backupId, 'plan');
    plans.set(backupId, plan);
    plan.catch(() => plans.delete(backupId));
  }
  return plan;
}

function pick(staged: StagedPartition): Omit<ExportOutput, 'partition' | 'skipped'> {
  return {
    bytes_read: staged.counts.bytes_read,
    bytes_new: staged.counts.bytes_new,
    bytes_stored: staged.counts.bytes_stored,
    records: staged.partitions.reduce((n, p) => n + p.records, 0),
  };
}
