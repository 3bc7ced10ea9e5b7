/**
 * Export partitions (one Distributed Map child: a batch of partition
 * indexes): for each, read the partition's spec from the staged list by
 * index, stream the partition through chunk → compress → encrypt → pack
 * upload in one pass, write the packs' index, and stage the partition's
 * manifest. Idempotent: a partition whose manifest exists is skipped (a
 * retried batch redoes only what it had not finished); one running twice at
 * once writes its own packs and the same manifest, so either copy commits a
 * complete partition.
 */
import type { SourceConfig } from '../../catalog/types.js';
import { openSession } from '../../../vault/backup/run-backup.js';
import type { PartitionPlan, RecordCounter } from '../../../sources/source.js';
import type { Vault } from '../../../vault/repository/vault.js';
import type { WorkflowDeps } from '../deps.js';
import { readListItem } from '../../../vault/staging/staged-list.js';
import { reportDone } from '../../catalog/progress-report.js';
import { partitionManifestName, readRequiredStaged, readStaged, writeStaged, type StagedPartition, type StagedPlan } from '../../../vault/staging/staging.js';
import type { BackupContext, BatchOutput, ExportBatchInput, ExportInput } from './types.js';

/** What one partition read and stored. */
export interface ExportOutput {
  /** Records. */
  r: number;
  /** Bytes read. */
  b: number;
  /** New bytes. */
  n: number;
  /** Bytes stored. */
  s: number;
  /** Set when the partition was exported by an earlier attempt. */
  skipped?: true;
}

/**
 * The planned partition of an export iteration.
 *
 * @param vault - the vault
 * @param context - the backup's context (names the staged list)
 * @param index - the iteration's index
 * @returns the partition's name and spec
 * @throws StagingError for an index outside the plan, or a plan no longer staged
 */
export function plannedPartition(vault: Vault, context: BackupContext, index: number): Promise<PartitionPlan> {
  return readListItem<PartitionPlan>(vault, context.partitions, index);
}

/** Runs one Export partitions child: every partition of its batch, in order, then counts the batch in the run's progress. */
export async function exportBatch(deps: WorkflowDeps, input: ExportBatchInput): Promise<BatchOutput> {
  const { context } = input.BatchInput;
  let skipped = 0;
  let bytes = 0;
  for (const index of input.Items) {
    const exported = await exportPartition(deps, { context, index });
    if (exported.skipped) skipped += 1;
    bytes += exported.b;
  }
  // One atomic count per child, marked by its first partition (control/catalog/progress-counts.ts): a retried batch counts once.
  const first = input.Items[0];
  if (first !== undefined) await reportDone(deps.catalog.executions, context.execution_id, { unit: first, items: input.Items.length, bytes });
  return { items: input.Items.length, skipped };
}

/** Exports one partition of a batch, unless its manifest is already staged. */
export async function exportPartition(deps: WorkflowDeps, input: ExportInput): Promise<ExportOutput> {
  const { context } = input;
  const vault = await deps.vault();
  const partition = await plannedPartition(vault, context, input.index);
  const manifestName = partitionManifestName(input.index);
  const existing = await readStaged<StagedPartition>(vault, context.backup_id, manifestName);
  if (existing) {
    return { ...pick(existing), skipped: true };
  }
  const plan = await stagedPlan(vault, context.backup_id);
  const session = await openSession(vault, { type: context.type, baseFull: context.base_full, indexIds: plan.index_ids }, { compression: context.compression });
  const counter: RecordCounter = { records: 0 };
  const source = deps.source(plan.source);
  await session.backupPartition(partition.name, source.export(partition, counter), { records: () => counter.records });
  const result = await session.finish();
  const staged: StagedPartition = { partitions: result.partitions, index_ids: result.index_ids, counts: result.counts };
  await writeStaged(vault, context.backup_id, manifestName, staged);
  return pick(staged);
}

const plans = new Map<string, Promise<StagedPlan<SourceConfig>>>();

/** The staged plan of a backup, read once per container (every iteration of a backup needs it). */
function stagedPlan(vault: Vault, backupId: string): Promise<StagedPlan<SourceConfig>> {
  let plan = plans.get(backupId);
  if (!plan) {
    if (plans.size >= 16) plans.delete(plans.keys().next().value!);
    plan = readRequiredStaged<StagedPlan<SourceConfig>>(vault, backupId, 'plan');
    plans.set(backupId, plan);
    plan.catch(() => plans.delete(backupId));
  }
  return plan;
}

function pick(staged: StagedPartition): ExportOutput {
  return {
    r: staged.partitions.reduce((n, p) => n + p.records, 0),
    b: staged.counts.bytes_read,
    n: staged.counts.bytes_new,
    s: staged.counts.bytes_stored,
  };
}
