/**
 * One case end to end: plan it with the real planner, batch it with the
 * Plan's rule, model it, check it, price it and judge its target.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { DEFAULT_PACK_SIZE } from '../../vault/repository/config.js';
import { DEFAULT_S3_WRITE_SETTINGS } from '../../vault/storage/s3-store.js';
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { PostgresSource } from '../../sources/postgres/source.js';
import { S3Source } from '../../sources/s3/source.js';
import type { S3Client } from '@aws-sdk/client-s3';
import type { ExportPacing } from '../../sources/source.js';
import { readWorkflowShape, type ChoiceFacts, type WorkflowShape } from './asl.js';
import { BATCHING } from './batching.js';
import type { ScaleCase } from './cases.js';
import { checkCase, type LimitCheck } from './checks.js';
import { priceCase, type CaseCost } from './cost.js';
import { modelCase, type CaseFigures, type EngineRates, type VaultConstants } from './model.js';
import { planCase } from './plan-case.js';
import { backupStepSizing, type StepSizing } from './steps.js';
import { judgeTarget, type TargetVerdict } from './target.js';

/** The backup workflow's definition. */
export const BACKUP_ASL = fileURLToPath(new URL('../../statemachines/backup.asl.json', import.meta.url));

/** The vault's defaults (vault/repository/config.ts, vault/chunker/params.ts, vault/storage/s3-store.ts). */
export const VAULT_CONSTANTS: VaultConstants = {
  pack_bytes: DEFAULT_PACK_SIZE,
  avg_chunk_bytes: DEFAULT_CHUNKER_PARAMS.avg,
  multipart_threshold: DEFAULT_S3_WRITE_SETTINGS.multipartThreshold,
  part_bytes: DEFAULT_S3_WRITE_SETTINGS.partSize,
};

/** Each kind's source class: whether it holds a snapshot for its partitions (`BackupSource.holdSnapshot`) decides the holder branch. */
const SOURCES = { dynamodb: DynamoDbSource, s3: S3Source, postgres: PostgresSource } as const;

/**
 * What a run of the case holds where the backup ASL's Choices look: a
 * holder plan when the source holds a snapshot for its partitions, and
 * Plan verify's `read_packs` (checksum verification of the new packs, the
 * job default).
 */
export function backupChoiceFacts(scale: ScaleCase): ChoiceFacts {
  const holds = 'holdSnapshot' in SOURCES[scale.source.kind].prototype;
  return { plan: holds ? { holder: {} } : {}, verify_plan: { read_packs: true } };
}

/** A case's result, as printed and written to JSON. */
export interface CaseResult extends CaseFigures {
  name: string;
  description: string;
  backup: ScaleCase['backup'];
  checks: LimitCheck[];
  /** No limit is exceeded. */
  limits_ok: boolean;
  /** Every limit is kept with the required 2x margin. */
  margin_ok: boolean;
  cost: CaseCost;
  cost_usd: number;
  target: TargetVerdict;
  /** Where the batching came from. */
  batching_source: string;
}

/** What a case is modelled with besides itself. */
export interface CaseContext {
  engine: EngineRates;
  shape?: WorkflowShape;
  steps?: ReadonlyMap<string, StepSizing>;
  vault?: VaultConstants;
  /** Forces the Map's concurrency past the batching rule (what-if runs and tests). */
  forceConcurrency?: number;
}

/** The batching rule's per-record cost and cap from a source's pacing, as Plan passes them (control/workflows/backup/plan.ts). */
function pacingOf(pacing: ExportPacing): { secondsPerRecord: number; maxConcurrency: number } {
  return { secondsPerRecord: pacing.secondsPerRecord, maxConcurrency: pacing.maxConcurrency };
}

/** Models one case. */
export async function runCase(scale: ScaleCase, context: CaseContext): Promise<CaseResult> {
  const vault = context.vault ?? VAULT_CONSTANTS;
  const planned = await planCase(scale, vault.avg_chunk_bytes);
  const bytes = planned.partitions.reduce((n, p) => n + p.bytes, 0);
  const objects = planned.partitions.reduce((n, p) => n + p.objects, 0);
  const pacing = scale.source.kind === 's3' ? { records: objects, ...pacingOf(new S3Source({ bucket: 'scale-model' }, { client: {} as S3Client }).pacing()) } : {};
  const batching = BATCHING.rule({ items: planned.partitions.length, bytes, bytesPerSecond: BATCHING.bytesPerSecond, concurrency: scale.requested_concurrency, ...pacing });
  if (context.forceConcurrency !== undefined) batching.max_concurrency = context.forceConcurrency;
  const figures = modelCase({
    scale,
    planned,
    shape: context.shape ?? readWorkflowShape(BACKUP_ASL, backupChoiceFacts(scale)),
    steps: context.steps ?? backupStepSizing(),
    vault,
    engine: context.engine,
    batching,
  });
  const checks = checkCase(scale, figures);
  const cost = priceCase(scale, figures);
  return {
    name: scale.name,
    description: scale.description,
    backup: scale.backup,
    ...figures,
    checks,
    limits_ok: checks.every((c) => c.ok),
    margin_ok: checks.every((c) => c.margin_ok),
    cost,
    cost_usd: cost.total,
    target: judgeTarget(scale, figures, checks, BATCHING.maxConcurrency),
    batching_source: BATCHING.source,
  };
}
