/**
 * Holds a case's figures against the AWS limits (`limits.ts`), the steps'
 * own sizing (timeouts and memory from the step tables, themselves bounded by
 * Lambda's) and the engine's hard limits, each with the 2x margin the model
 * requires, and says for each what would change it.
 */
import { V8_MAX_STRING_LENGTH } from './assumptions.js';
import type { ScaleCase } from './cases.js';
import { AWS_LIMITS, REQUIRED_MARGIN } from './limits.js';
import { MAX_SNAPSHOT_HOLD_MS } from '../../control/workflows/backup/hold-snapshot.js';
import type { CaseFigures } from './model.js';

/** One limit held against one figure. */
export interface LimitCheck {
  limit: string;
  value: number;
  limit_value: number;
  unit: string;
  /** The figure is within the limit. */
  ok: boolean;
  /** The figure is within the limit divided by the required margin. */
  margin_ok: boolean;
  source: string;
  /** What would bring the figure down (or the limit up). */
  change: string;
}

function check(limit: string, value: number, limitValue: number, unit: string, source: string, change: string): LimitCheck {
  return { limit, value, limit_value: limitValue, unit, ok: value <= limitValue, margin_ok: value * REQUIRED_MARGIN <= limitValue, source, change };
}

const LAMBDA_LIMITS_PAGE = AWS_LIMITS.lambdaTimeout.source;

/** What shortens a step that runs past its timeout. */
const TIMEOUT_CHANGES: Readonly<Record<string, string>> = {
  plan: 'fewer catalog queries; for S3, fewer objects listed in Plan itself (INLINE_LIST_KEYS, the rest fans out to List source)',
  listSource: 'fewer objects per List source child and round (KEYS_PER_LIST_CHILD) or fewer ranges per child (LIST_RANGES_PER_CHILD)',
  joinListing: 'fewer ranges per round (a larger KEYS_PER_LIST_CHILD), or the pieces read more at once',
  exportPartition: 'smaller batches (items_per_batch) or more, smaller partitions (maxPartitions, bytes per segment/range); more read-ahead for small objects',
  commit: 'fewer, larger batches (Commit reads one staged manifest per batch) or fewer partitions (one snapshot record each)',
  planVerify: 'an existence check that does not list data/ and read every index object in one function (the snapshot\'s own index objects and HEADs fanned out)',
  verifyPacks: 'fewer pack batches per child (packCheckBatching\'s budget) or more function memory (CPU)',
  recordVerification: 'fewer, larger pack batches (PACKS_PER_CHECK_BATCH), or results gathered per child',
  holdSnapshot: 'a shorter holder generation (HANDOFF_LEAD_MS, HOLDER_MARGIN_MS in control/workflows/backup/hold-snapshot.ts): each hands the snapshot on before its budget ends',
  finalize: 'nothing scales here; look for a slow catalog',
};

/** Steps whose invocations end by their own clock, before their timeout, whatever the work (the snapshot holder's generations). */
const SELF_TIMED_STEPS: ReadonlySet<string> = new Set(['holdSnapshot']);

/** Every check of a case. */
export function checkCase(scale: ScaleCase, figures: CaseFigures): LimitCheck[] {
  const L = AWS_LIMITS;
  const exportStep = figures.lambda_steps.find((s) => s.step === 'exportPartition');
  const checks: LimitCheck[] = [
    check(L.stateBytes.name, figures.max_state_bytes, L.stateBytes.value, L.stateBytes.unit, L.stateBytes.source, 'fewer items per batch; keep lists staged, never in state'),
    check(L.historyEvents.name, figures.max_history_events, L.historyEvents.value, L.historyEvents.unit, L.historyEvents.source, 'a Distributed Map (children have their own histories) or fewer states per item'),
    check(L.distributedMapConcurrency.name, figures.map_max_concurrency, L.distributedMapConcurrency.value, L.distributedMapConcurrency.unit, L.distributedMapConcurrency.source, 'a lower max_concurrency'),
    check(L.lambdaConcurrency.name, figures.max_concurrency, L.lambdaConcurrency.value, L.lambdaConcurrency.unit, L.lambdaConcurrency.source, 'a lower max_concurrency, or a raised account quota'),
    check(`${L.s3PutPerPrefix.name}: ${figures.peak_put_per_prefix.prefix}`, figures.peak_put_per_prefix.per_second, L.s3PutPerPrefix.value, L.s3PutPerPrefix.unit, L.s3PutPerPrefix.source, 'fewer children at once, or larger packs'),
    check(`${L.s3GetPerPrefix.name}: ${figures.peak_get_per_prefix.prefix}`, figures.peak_get_per_prefix.per_second, L.s3GetPerPrefix.value, L.s3GetPerPrefix.unit, L.s3GetPerPrefix.source, 'fewer children at once; for the index: a dedup index sharded by chunk-id prefix, each child reading only what it needs'),
    ...(scale.source.kind === 'dynamodb'
      ? [check('DynamoDB table read capacity (model input)', figures.dynamodb_peak_read_units_per_second, scale.source.read_capacity_units, 'read units/s', L.dynamoDbTableReads.source, `a lower max_concurrency, or raise the table's maximum read throughput (default quota ${L.dynamoDbTableReads.value.toLocaleString('en-US')})`)]
      : []),
    ...figures.lambda_steps.map((step) => {
      const timeout = check(`Lambda timeout of ${step.step} (step table; AWS at most ${L.lambdaTimeout.value} s)`, step.max_seconds, Math.min(step.timeout_seconds, L.lambdaTimeout.value), 's', LAMBDA_LIMITS_PAGE, TIMEOUT_CHANGES[step.step] ?? 'a shorter step');
      // A step that ends itself by its own clock (the holder lets go at its budget) has no estimate to be wrong by: no margin to keep.
      return SELF_TIMED_STEPS.has(step.step) ? { ...timeout, limit: `${timeout.limit}, ending itself at its budget`, margin_ok: timeout.ok } : timeout;
    }),
    check(
      `Memory of exportPartition (step table; AWS at most ${L.lambdaMemory.value} MB)`,
      figures.export_memory_mb,
      exportStep?.memory_mb ?? L.lambdaMemory.value,
      'MB',
      L.lambdaMemory.source,
      'a dedup set the export queries without loading every blob id (sharded by chunk-id prefix, each child loading its shard); more function memory only up to 10,240 MB',
    ),
    ...(figures.snapshot_hold
      ? [
          check(
            'Snapshot hold (MAX_SNAPSHOT_HOLD_MS, Haven limit: an open snapshot holds back VACUUM on the source)',
            figures.snapshot_hold.seconds,
            MAX_SNAPSHOT_HOLD_MS / 1000,
            's',
            'docs/POSTGRES.md ("Snapshot holder")',
            'more export children at once (custom_parameters.max_concurrency), or fewer tables per job',
          ),
        ]
      : []),
    check('Snapshot JSON length (V8 String::kMaxLength, engine limit)', figures.snapshot_bytes, V8_MAX_STRING_LENGTH, 'characters', 'https://github.com/v8/v8/blob/main/include/v8-primitive.h (String::kMaxLength)', 'fewer partitions: a snapshot (format 2) holds one small record per partition, its blob ids are in the batches\' blob lists'),
  ];
  return checks;
}
