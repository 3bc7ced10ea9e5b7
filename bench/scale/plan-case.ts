/**
 * Plans a case with the real planners (sources/dynamodb, sources/s3,
 * sources/postgres) over its synthetic source, and describes each planned
 * partition's load: bytes, records, objects and what changed.
 */
import type { PartitionPlan } from '../../sources/source.js';
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { planRanges, rangePlans, parseRangeSpec } from '../../sources/s3/range-plan.js';
import { planPartitions, parsePartitionSpec, DEFAULT_ROWS_PER_PARTITION } from '../../sources/postgres/partitions.js';
import { ASSUMPTIONS } from './assumptions.js';
import { CaseKind, type DynamoDbInput, type PostgresInput, type S3Input, type ScaleCase } from './cases.js';
import { catalogClient, describedTableClient, objectIndex, objectsBetween, syntheticListing, syntheticTables, tableRows } from './synthetic.js';
import { AWS_LIMITS } from './limits.js';

/** What one planned partition holds. */
export interface PartitionLoad {
  /** The planner's partition (its spec travels to the export step). */
  plan: PartitionPlan;
  bytes: number;
  records: number;
  /** Source objects (S3) or 0. */
  objects: number;
  /** Objects read with ranged GETs (S3) or 0. */
  large_objects: number;
  large_bytes: number;
  /** Plaintext bytes the backup stores (new chunks): all of them for a full backup. */
  new_bytes: number;
}

/** A planned case. */
export interface PlannedCase {
  partitions: PartitionLoad[];
  /** LIST requests the Plan step sends to the source (S3: describe and plan each list the prefix). */
  plan_source_lists: number;
  /** Seconds the Plan step spends reading the source (listings, catalog queries). */
  plan_source_seconds: number;
}

/** New bytes of a partition: all of it for a full backup; else the changed share plus one rewritten chunk per changed record. */
function newBytes(scale: ScaleCase, bytes: number, records: number, avgChunk: number): number {
  if (scale.backup === 'full') return bytes;
  const changed = records * scale.changed_fraction;
  return Math.min(bytes, bytes * scale.changed_fraction + changed * ASSUMPTIONS.dirtyChunksPerEdit.value * avgChunk);
}

async function planDynamoDb(scale: ScaleCase, input: DynamoDbInput, avgChunk: number): Promise<PlannedCase> {
  const source = new DynamoDbSource({ table: 'scale-model' }, { client: describedTableClient('scale-model', input) });
  const plans = await source.plan(input.segments !== undefined ? { segments: input.segments } : {});
  const bytes = input.table_bytes / plans.length;
  const records = bytes / input.item_bytes;
  return {
    partitions: plans.map((plan) => ({ plan, bytes, records, objects: 0, large_objects: 0, large_bytes: 0, new_bytes: newBytes(scale, bytes, records, avgChunk) })),
    plan_source_lists: 0,
    plan_source_seconds: 0,
  };
}

async function planS3(scale: ScaleCase, input: S3Input, avgChunk: number): Promise<PlannedCase> {
  const plans = rangePlans(await planRanges(syntheticListing(input), {}));
  const partitions = plans.map((plan) => {
    const range = parseRangeSpec(plan);
    const from = range.start_after === '' ? 0 : objectIndex(range.start_after) + 1;
    const to = range.last_key === null ? input.objects : objectIndex(range.last_key) + 1;
    const held = objectsBetween(input, from, to);
    return {
      plan,
      bytes: held.bytes,
      records: held.objects,
      objects: held.objects,
      large_objects: held.large,
      large_bytes: held.large * input.large_object_bytes,
      new_bytes: newBytes(scale, held.bytes, held.objects, avgChunk),
    };
  });
  // The Plan step lists the prefix twice: describe() counts it, plan() splits it.
  const lists = 2 * Math.ceil(input.objects / AWS_LIMITS.s3ListPageKeys.value);
  return { partitions, plan_source_lists: lists, plan_source_seconds: lists * ASSUMPTIONS.s3RequestSeconds.value };
}

async function planPostgres(scale: ScaleCase, input: PostgresInput, avgChunk: number): Promise<PlannedCase> {
  const tables = syntheticTables(input);
  const plans = await planPartitions(catalogClient(input), tables, '00000003-0000001B-1', input.rows_per_partition ?? DEFAULT_ROWS_PER_PARTITION);
  const partitions = plans.map((plan) => {
    const spec = parsePartitionSpec(plan);
    const rows = tableRows(input, Number(spec.t.slice(1)));
    const lo = spec.lo === undefined ? 1 : Number(spec.lo);
    const hi = spec.hi === undefined ? rows + 1 : Number(spec.hi);
    const records = spec.k === undefined ? rows : hi - lo;
    const bytes = records * input.row_bytes;
    return { plan, bytes, records, objects: 0, large_objects: 0, large_bytes: 0, new_bytes: newBytes(scale, bytes, records, avgChunk) };
  });
  // count(*) of every table and the boundary query of split tables walk the primary-key index.
  const indexBytes = tables.reduce((n, _, i) => n + tableRows(input, i) * ASSUMPTIONS.postgresIndexEntryBytes.value, 0);
  const splitBytes = tableRows(input, 0) > input.rows_per_partition ? tableRows(input, 0) * ASSUMPTIONS.postgresIndexEntryBytes.value : 0;
  return { partitions, plan_source_lists: 0, plan_source_seconds: (indexBytes + splitBytes) / (ASSUMPTIONS.postgresScanMBps.value * 1e6) };
}

/** Plans a case with the real planner of its source. @param avgChunk - the chunker's average chunk size (bytes) */
export function planCase(scale: ScaleCase, avgChunk: number): Promise<PlannedCase> {
  const source = scale.source;
  if (source.kind === CaseKind.DynamoDb) return planDynamoDb(scale, source, avgChunk);
  if (source.kind === CaseKind.S3) return planS3(scale, source, avgChunk);
  return planPostgres(scale, source, avgChunk);
}
