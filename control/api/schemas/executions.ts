/** Running a job now, its status, and cancelling a run. */
import { z } from 'zod';
import { describeCompressionLevels } from '../../../vault/compression/settings.js';
import { INLINE_LIST_KEYS, KEYS_PER_LIST_CHILD } from '../../workflows/backup/list-source.js';
import { JsonObject, OutcomeFields, ProgressFields, RecordErrorSchema, RecordStatusSchema, Timestamp } from './common.js';

/** How a run behaves. */
export const ExecutionOptionsSchema = z.strictObject({
  priority: z.enum(['low', 'normal', 'high']).optional(),
  force_full_backup: z.boolean().optional(),
  skip_verification: z.boolean().optional(),
  notify_on_completion: z.boolean().optional(),
});

/** Per-run overrides of the job. */
export const CustomParametersSchema = z.strictObject({
  tables: z.array(z.string().min(1).max(255)).min(1).max(1000).optional().meta({ description: "A subset of the job's source tables" }),
  compression_level: z.number().int().optional().meta({ description: `This run's level for the job's algorithm: ${describeCompressionLevels()}` }),
  encryption_key: z.string().max(2048).optional().meta({ description: 'A KMS key id, key ARN, alias name (with or without alias/) or alias ARN; anything else is not a KMS key reference (422, never echoed)' }),
  segments: z.number().int().min(1).max(1000).optional(),
  max_concurrency: z.number().int().min(1).max(40).optional(),
  list_keys: z.number().int().min(1).max(KEYS_PER_LIST_CHILD).optional().meta({ description: `S3: objects the Plan step lists itself, and each List source child per round, before the listing fans out (default ${INLINE_LIST_KEYS.toLocaleString('en-US')} and ${KEYS_PER_LIST_CHILD.toLocaleString('en-US')}; docs/S3.md)` }),
});

/** `POST /backup/jobs/{job_id}/execute` (the body may be omitted). */
export const ExecuteJobBody = z
  .strictObject({
    execution_options: ExecutionOptionsSchema.default({}),
    custom_parameters: CustomParametersSchema.default({}),
    executed_by: z.string().min(1).max(256).optional(),
  })
  .meta({ id: 'ExecuteJobRequest' });
/** What execute takes. */
export type ExecuteJobBody = z.output<typeof ExecuteJobBody>;

const count = (description: string) => z.number().int().min(0).nullable().meta({ description });

/**
 * A run's counted progress (executions, restores, verifications; see
 * docs/API.md "Progress"): what Plan recorded it will do, what is done, the
 * average rate over the run so far and the estimated completion.
 */
export const RunProgressFields = {
  progress: z.number().min(0).max(100).meta({ description: '0–100; never goes down. 5 after Plan, 95 when every item is done, 100 when completed: the done fraction is bytes_done/bytes_total when bytes_total is known (with items_done/items_total as a floor), else items_done/items_total' }),
  items_done: count('Items (partitions, pack batches) done; null until Plan recorded items_total'),
  items_total: count('Items the run will process; null until Plan recorded it'),
  bytes_done: count('Bytes of the items done; null until Plan recorded the totals'),
  bytes_total: count("Bytes the run expects (a backup's source estimate, a restore's partition sizes, a verification's pack sizes at levels that read data); null when unknown"),
  rate_bytes_per_second: count('bytes_done over the time since Plan recorded the totals (to now, or to completed_at once ended): the average over the run so far; null before a byte is done'),
  estimated_completion: Timestamp.nullable().meta({ description: 'While running: now plus the time so far scaled by the fraction still to do (the average rate so far); null before anything is done and once ended' }),
};

/** A run as execute and cancel return it. */
export const ExecutionSchema = z
  .object({
    execution_id: z.string(),
    backup_id: z.string(),
    job_id: z.string(),
    ...ProgressFields,
    ...RunProgressFields,
    started_at: Timestamp,
    execution_options: JsonObject,
    custom_parameters: JsonObject,
    executed_by: z.string().nullable(),
  })
  .meta({ id: 'Execution' });

/** `GET /backup/jobs/{job_id}/status`: the latest run of the job. */
export const JobStatusSchema = z
  .object({
    job_id: z.string(),
    status: z.union([RecordStatusSchema, z.literal('never_run')]),
    execution_id: z.string().nullable(),
    ...RunProgressFields,
    phase: z.string().nullable(),
    started_at: Timestamp.nullable(),
    completed_at: Timestamp.nullable(),
    ...OutcomeFields,
    error: RecordErrorSchema,
    next_run: Timestamp.nullable(),
  })
  .meta({ id: 'JobStatus' });

/** `POST /backup/executions/{execution_id}/cancel` (the body may be omitted). */
export const CancelExecutionBody = z.strictObject({ reason: z.string().max(500).optional() }).meta({ id: 'CancelExecutionRequest' });
