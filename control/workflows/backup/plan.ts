/**
 * Plan: validate the job, take its lease, resolve the backup type and parent
 * snapshot, mark the execution running, plan partitions, and stage the
 * source's description and the partition specs (a staged list: specs carry
 * S3 keys, far too long for 1,000 of them to travel in state) for the
 * export batches and the snapshot, and the Export partitions Map's item
 * list (the partition indexes, read by the Map's S3 item reader), batched
 * by {@link batchingFor}: no state carries a list that grows with the data.
 *
 * Once the execution record exists, a failure is recorded here (a run a
 * schedule started has no other way to name its record) and raised as a
 * {@link FailureRecordedError}, which the workflow does not retry: a retry
 * would plan again for a record that already failed (or create another).
 */
import { ExecutionTrigger, JobStatus, type ExecutionRecord, type JobRecord } from '../../catalog/types.js';
import { isTerminal, RecordStatus } from '../../catalog/status.js';
import { resolvePlan } from '../../../vault/backup/run-backup.js';
import { BackupType } from '../../../vault/snapshot/snapshot.js';
import type { WorkflowDeps } from '../deps.js';
import { FailureRecordedError, InvalidJobError, stepFailureOf } from '../errors.js';
import { failExecution } from './mark-failed.js';
import { batchingFor, EXPORT_BYTES_PER_SECOND, type BatchingInput } from './batching.js';
import { writeStaged, type StagedPlan } from '../../../vault/staging/staging.js';
import { compressionFor } from './compression.js';
import { DYNAMODB_TYPE } from '../../../sources/dynamodb/config.js';
import { reportTotals } from '../../catalog/progress-report.js';
import type { BackupSource, ListedPiece, PartitionPlan } from '../../../sources/source.js';
import type { SourceConfig } from '../../../sources/config.js';
import { joinRanges, rangePlans } from '../../../sources/s3/range-plan.js';
import { startListing } from './list-source.js';
import type { BackupContext, BackupStartInput, HolderPlan, HoldingPlanOutput, ListingOutput, PlanOutput } from './types.js';
import { vaultAt } from '../vault-opener.js';
import { stageRunFanOut } from '../map-items.js';

/** How long a job's lease lasts if a run dies without releasing it. */
export const LEASE_SECONDS = 4 * 60 * 60;
/** The staged list of a backup's partition specs, and the name of the Map's item list of their indexes. */
export const PARTITION_LIST = 'partitions';
/**
 * Partitions a run may ask for (`custom_parameters.segments`): the fan-out
 * is a Distributed Map over a staged item list, so the sources' own default
 * cap (1,000) does not bind an explicit count.
 */
export const MAX_BACKUP_PARTITIONS = 100_000;

/** Runs the Plan step. */
export async function planBackup(deps: WorkflowDeps, input: BackupStartInput): Promise<PlanOutput | HoldingPlanOutput | ListingOutput> {
  const { catalog } = deps;
  const job = await catalog.getJob(input.job_id);
  if (job.status !== JobStatus.Active) throw new InvalidJobError(`job ${job.job_id} is ${job.status}; only active jobs run`);
  const execution =
    input.execution_id !== undefined
      ? await catalog.executions.get(input.execution_id)
      : await catalog.executions.create({
          job_id: job.job_id,
          job_name: job.job_name,
          backup_type: job.backup_type,
          trigger: input.trigger === 'schedule' ? ExecutionTrigger.Schedule : ExecutionTrigger.Manual,
          execution_options: input.execution_options ?? {},
          custom_parameters: input.custom_parameters ?? {},
        });
  if (isTerminal(execution.status)) throw new InvalidJobError(`execution ${execution.execution_id} is already ${execution.status}`);
  try {
    return await planExecution(deps, job, execution, input);
  } catch (error) {
    // Recorded here because a run started without an execution id (a schedule) has no other way to name its record.
    const failure = stepFailureOf(error);
    await failExecution(deps, execution.execution_id, failure.code, failure.message);
    throw new FailureRecordedError(failure, { cause: error });
  }
}

async function planExecution(deps: WorkflowDeps, job: JobRecord, execution: ExecutionRecord, input: BackupStartInput): Promise<PlanOutput | HoldingPlanOutput | ListingOutput> {
  const { catalog } = deps;
  // A setting the engine would refuse fails the run here, before any work, not in every export.
  const compression = compressionFor(job, input);
  await catalog.acquireLease(job.job_id, execution.execution_id, LEASE_SECONDS);

  // The job's destination selects the vault (a path in one of the deployment's buckets); the record and every later step name it.
  const location = deps.vaults.resolve(job.destination ?? {});
  const storageClass = job.destination?.storage_class;
  if (execution.vault_uri !== location.uri) await catalog.executions.annotate(execution.execution_id, { vault_uri: location.uri });
  const vault = await deps.vault(location);
  const requested = input.execution_options?.force_full_backup ? BackupType.Full : job.backup_type;
  const resolved = await resolvePlan(vault, job.job_id, requested);
  const source = deps.source(job.source);
  const holder: HolderPlan = {
    context: {
      execution_id: execution.execution_id,
      backup_id: execution.backup_id,
      job_id: job.job_id,
      type: resolved.type,
      base_full: resolved.baseFull,
      parent: resolved.parent,
      compression,
      skip_verification: Boolean(input.execution_options?.skip_verification),
      vault_uri: location.uri,
      ...(storageClass ? { storage_class: storageClass } : {}),
      copies: (job.copies?.length ?? 0) > 0,
    },
    custom_parameters: input.custom_parameters ?? {},
    queued: execution.status === RecordStatus.Queued,
  };
  // Its partitions read one instant another function holds (PostgreSQL): the workflow's holder branch opens it, Plan partitions plans in it (hold-snapshot.ts).
  if (source.holdSnapshot) return { execution_id: execution.execution_id, holder };
  return planRun(deps, job, source, holder);
}

/** The partition count a run asks for (`custom_parameters.segments`, or a DynamoDB job's `segments`), if any. */
function askedSegments(job: JobRecord, planned: HolderPlan): number | undefined {
  const segments = Number(planned.custom_parameters.segments ?? (job.source.type === DYNAMODB_TYPE ? job.source.segments : undefined));
  return Number.isSafeInteger(segments) && segments > 0 ? segments : undefined;
}

/**
 * Plan's planning: a source planned by listing (S3) lists its first objects
 * here and fans the rest out when there are more (list-source.ts); any
 * other, or one asked for a count of partitions, is planned by
 * {@link planPartitions}.
 */
async function planRun(deps: WorkflowDeps, job: JobRecord, source: BackupSource, planned: HolderPlan): Promise<PlanOutput | ListingOutput> {
  if (!source.planPiece || askedSegments(job, planned) !== undefined) return planPartitions(deps, job, source, planned);
  const started = await startListing(deps, await vaultAt(deps, planned.context), source, job.source, planned);
  return started.done ? planFromRanges(deps, planned, job.source, started.description, started.ranges) : started.output;
}

/**
 * Plans the partitions of a planned run (Plan, or Plan partitions under a
 * held snapshot) with the source's `plan`, then {@link stagePartitions}.
 */
export async function planPartitions(deps: WorkflowDeps, job: JobRecord, source: BackupSource, planned: HolderPlan): Promise<PlanOutput> {
  const segments = askedSegments(job, planned);
  const description = await source.describe();
  const partitions = await source.plan(segments !== undefined ? { segments, maxPartitions: MAX_BACKUP_PARTITIONS } : {});
  return stagePartitions(deps, planned, job.source, description, partitions);
}

/**
 * Plans the partitions of a listing from its pieces' ranges: joined in key
 * order (neighbours merged within the range limits), at most
 * {@link MAX_BACKUP_PARTITIONS}; then {@link stagePartitions}.
 */
export function planFromRanges(deps: WorkflowDeps, planned: HolderPlan, config: SourceConfig, description: Record<string, unknown>, ranges: ListedPiece['ranges']): Promise<PlanOutput> {
  return stagePartitions(deps, planned, config, description, rangePlans(joinRanges(ranges, { maxPartitions: MAX_BACKUP_PARTITIONS })));
}

/** The batching rule's per-record cost and concurrency cap, from a source that gives its pacing (S3: objects from its description). */
function pacingOf(source: BackupSource, description: Record<string, unknown>): Pick<BatchingInput, 'records' | 'secondsPerRecord' | 'maxConcurrency'> {
  const pacing = source.pacing?.();
  if (!pacing) return {};
  const records = Number(description.object_count);
  return { ...(Number.isFinite(records) ? { records } : {}), secondsPerRecord: pacing.secondsPerRecord, maxConcurrency: pacing.maxConcurrency };
}

/**
 * Stages the description, the specs and the Map's item list, marks the run
 * running with its totals, and batches the Map.
 */
async function stagePartitions(deps: WorkflowDeps, planned: HolderPlan, config: SourceConfig, description: Record<string, unknown>, partitions: PartitionPlan[]): Promise<PlanOutput> {
  const { catalog } = deps;
  const { execution_id: executionId, backup_id: backupId } = planned.context;
  const vault = await vaultAt(deps, planned.context);
  const indexIds = planned.context.type === BackupType.Full ? [] : await vault.listIndexIds();
  await writeStaged(vault, backupId, 'plan', { description, source: config, planned_at: deps.now().toISOString(), index_ids: indexIds, ...(planned.context.vault_uri ? { vault_uri: planned.context.vault_uri } : {}) } satisfies StagedPlan);
  // The item list in the primary vault when the backup's is elsewhere: the Map reads only its own region and account.
  const location = deps.vaults.vaultOf(planned.context.vault_uri);
  const { list: staged, items } = await stageRunFanOut(deps, { vault, location }, backupId, PARTITION_LIST, partitions);
  if (planned.queued) {
    await catalog.executions.transition(executionId, RecordStatus.Running, { phase: 'exporting', progress: 5, backup_type: planned.context.type });
  }
  // Progress counts partitions, and the source's estimated size when it gives one (control/catalog/progress.ts).
  await reportTotals(catalog.executions, executionId, { items: partitions.length, bytes: Math.max(0, Math.floor(Number(description.size_bytes) || 0)) });
  const context: BackupContext = { ...planned.context, partitions: staged };
  const bytes = typeof description.size_bytes === 'number' ? description.size_bytes : undefined;
  const source = deps.source(config);
  return {
    execution_id: executionId,
    context,
    items,
    ...batchingFor({ items: staged.count, bytes, bytesPerSecond: EXPORT_BYTES_PER_SECOND, concurrency: planned.custom_parameters.max_concurrency, ...pacingOf(source, description) }),
  };
}
