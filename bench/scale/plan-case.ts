/**
 * Plans a case with the real planners (sources/dynamodb, sources/s3,
 * sources/postgres) over its synthetic source, and describes each planned
 * partition's load: bytes, records, objects and what changed.
 */
import type { PartitionPlan } from '../../sources/source.js';
import { DynamoDbSource } from '../../sources/dynamodb/source.js';
import { joinRanges, rangeLimits, rangePlans, parseRangeSpec, type CountedRange } from '../../sources/s3/range-plan.js';
import { listPiece } from '../../sources/s3/listing-plan.js';
import { compareKeys, type ListedObject } from '../../sources/s3/listing.js';
import type { KeyRange } from '../../sources/source.js';
import { MAX_BACKUP_PARTITIONS } from '../../control/workflows/backup/plan.js';
import { INLINE_LIST_KEYS, KEYS_PER_LIST_CHILD, LIST_MAX_CONCURRENCY, LIST_RANGES_PER_CHILD, spread } from '../../control/workflows/backup/list-source.js';
import { planPartitions, parsePartitionSpec, DEFAULT_ROWS_PER_PARTITION } from '../../sources/postgres/partitions.js';
import { ASSUMPTIONS } from './assumptions.js';
import { CaseKind, type DynamoDbInput, type PostgresInput, type S3Input, type ScaleCase } from './cases.js';
import { catalogClient, describedTableClient, objectKey, objectsBetween, syntheticTables, tableRows } from './synthetic.js';
import { AWS_LIMITS } from './limits.js';
import { makespan } from './model.js';

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

/** The List source rounds of a large S3 prefix (control/workflows/backup/list-source.ts), as the real rules run them. */
export interface ListingFigures {
  /** Rounds of the List source Map (each followed by Join listing). */
  rounds: number;
  /** Key ranges listed, over all rounds (one staged piece each). */
  ranges: number;
  /** List source children, over all rounds. */
  children: number;
  /** The most children of one round. */
  max_round_children: number;
  /** LIST requests the children send. */
  lists: number;
  /** Every child's seconds (invocation overhead and its LIST pages). */
  child_seconds: number[];
  /** Each Join listing's seconds (one per round). */
  join_seconds: number[];
  /** The listing's wall time: each round's children at the Map's concurrency, then its Join. */
  wall_seconds: number;
}

/** A planned case. */
export interface PlannedCase {
  partitions: PartitionLoad[];
  /** LIST requests the Plan step sends to the source (S3: its own first pages). */
  plan_source_lists: number;
  /** The List source rounds (S3 past Plan's own listing), or null. */
  listing: ListingFigures | null;
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
    listing: null,
  };
}

/** The index of the first synthetic object whose key is after `after` (`''`: 0), by binary search (keys sort as their indexes). */
function firstAfter(input: S3Input, after: string): number {
  let lo = 0;
  let hi = input.objects;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (compareKeys(objectKey(mid), after) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** The synthetic objects of a key range (`start_after < key <= last_key`), as ListObjectsV2 would list them. */
async function* rangeListing(input: S3Input, range: KeyRange): AsyncGenerator<ListedObject> {
  const to = range.last_key === null ? input.objects : firstAfter(input, range.last_key);
  for (let i = firstAfter(input, range.start_after); i < to; i++) {
    const large = (i + 1) % input.large_every === 0;
    yield { key: objectKey(i), size: large ? input.large_object_bytes : input.small_object_bytes };
  }
}

/** LIST pages of a piece that listed `keys` objects (an empty range still costs one). */
const listPages = (keys: number): number => Math.max(1, Math.ceil(keys / AWS_LIMITS.s3ListPageKeys.value));

/**
 * The listing as the workflow runs it: Plan lists its first objects, then
 * each round's ranges go to List source children ({@link LIST_RANGES_PER_CHILD}
 * each, sharing {@link KEYS_PER_LIST_CHILD}), until no range is left.
 */
async function listInRounds(input: S3Input): Promise<{ ranges: CountedRange[]; planLists: number; listing: ListingFigures | null }> {
  const limits = rangeLimits({});
  const request = ASSUMPTIONS.s3RequestSeconds.value;
  const overhead = ASSUMPTIONS.invocationOverheadSeconds.value;
  const everything = { start_after: '', last_key: null };
  const first = await listPiece(rangeListing(input, everything), everything, limits, { keys: INLINE_LIST_KEYS });
  const ranges = [...first.ranges];
  const planLists = listPages(first.ranges.reduce((n, r) => n + r.keys, 0));
  if (first.rest.length === 0) return { ranges, planLists, listing: null };
  const figures: ListingFigures = { rounds: 0, ranges: 0, children: 0, max_round_children: 0, lists: 0, child_seconds: [], join_seconds: [], wall_seconds: 0 };
  let round: KeyRange[] = spread(first.rest);
  while (round.length > 0) {
    const next: KeyRange[] = [];
    const seconds: number[] = [];
    for (let c = 0; c < round.length; c += LIST_RANGES_PER_CHILD) {
      let left = KEYS_PER_LIST_CHILD;
      let pages = 0;
      for (const range of round.slice(c, c + LIST_RANGES_PER_CHILD)) {
        if (left <= 0) {
          next.push(range);
          continue;
        }
        const piece = await listPiece(rangeListing(input, range), range, limits, { keys: left });
        const listed = piece.ranges.reduce((n, r) => n + r.keys, 0);
        ranges.push(...piece.ranges);
        next.push(...piece.rest);
        pages += listPages(listed);
        left -= listed;
      }
      figures.lists += pages;
      // Each range: its item read, its listing, its piece staged.
      seconds.push(overhead + pages * request + (2 * Math.min(LIST_RANGES_PER_CHILD, round.length - c) * request));
    }
    const children = seconds.length;
    // Join listing: reads every piece of the round (HEAD + GET, 16 at once), stages the next round (chunks 16 at once).
    const join = overhead + (round.length * 2 * request) / 16 + (Math.ceil(next.length / 100) * request) / 16;
    figures.rounds += 1;
    figures.ranges += round.length;
    figures.children += children;
    figures.max_round_children = Math.max(figures.max_round_children, children);
    figures.child_seconds.push(...seconds);
    figures.join_seconds.push(join);
    figures.wall_seconds += makespan(seconds, LIST_MAX_CONCURRENCY) + join;
    round = spread(next);
  }
  // The last Join also reads every piece again and plans the partitions.
  figures.wall_seconds += (figures.ranges * 2 * request) / 16;
  return { ranges, planLists, listing: figures };
}

async function planS3(scale: ScaleCase, input: S3Input, avgChunk: number): Promise<PlannedCase> {
  const listed = await listInRounds(input);
  const plans = rangePlans(joinRanges(listed.ranges, { maxPartitions: MAX_BACKUP_PARTITIONS }));
  const partitions = plans.map((plan) => {
    const range = parseRangeSpec(plan);
    const from = firstAfter(input, range.start_after);
    const to = range.last_key === null ? input.objects : firstAfter(input, range.last_key);
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
  // The Plan step lists its first pages itself (describe counts what the listing counted: no second listing).
  return { partitions, plan_source_lists: listed.planLists, plan_source_seconds: listed.planLists * ASSUMPTIONS.s3RequestSeconds.value, listing: listed.listing };
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
  return { partitions, plan_source_lists: 0, plan_source_seconds: (indexBytes + splitBytes) / (ASSUMPTIONS.postgresScanMBps.value * 1e6), listing: null };
}

/** Plans a case with the real planner of its source. @param avgChunk - the chunker's average chunk size (bytes) */
export function planCase(scale: ScaleCase, avgChunk: number): Promise<PlannedCase> {
  const source = scale.source;
  if (source.kind === CaseKind.DynamoDb) return planDynamoDb(scale, source, avgChunk);
  if (source.kind === CaseKind.S3) return planS3(scale, source, avgChunk);
  return planPostgres(scale, source, avgChunk);
}
