/**
 * The capacity model's arithmetic: from a planned case (the real planners'
 * partitions), the workflow's shape (its ASL), the steps' sizing (the step
 * tables), the vault's constants and the engine's measured rates, what a
 * backup would do on AWS: batches, invocations, GB-seconds, transitions,
 * S3 requests, read units, payloads, histories, step durations and wall time.
 * Limits and cost are checked and priced elsewhere (`checks.ts`, `cost.ts`).
 */
import { DEFAULT_READ_AHEAD, DEFAULT_RANGE_SIZE, READ_AHEAD_BYTES } from '../../sources/s3/source.js';
import { LIST_MAX_CONCURRENCY } from '../../control/workflows/backup/list-source.js';
import { HANDOFF_LEAD_MS, HOLDER_MARGIN_MS, SNAPSHOT_HOLDER_TIMEOUT_SECONDS } from '../../control/workflows/backup/hold-snapshot.js';
import type { BackupContext } from '../../control/workflows/backup/types.js';
import { BLOB_ID_BYTES } from '../../vault/snapshot/blob-list.js';
import type { PartitionRecord } from '../../vault/snapshot/snapshot.js';
import { DEFAULT_CHUNKER_PARAMS } from '../../vault/chunker/params.js';
import { encodeIndex } from '../../vault/index/index-codec.js';
import { READ_CONCURRENCY } from '../../vault/repository/vault.js';
import { DEFAULT_ITEMS_PER_OBJECT } from '../../vault/staging/staged-list.js';
import { ASSUMPTIONS } from './assumptions.js';
import { HEAD_CONCURRENCY } from '../../control/workflows/verify/check-batch.js';
import { STAGED_READ_CONCURRENCY } from '../../control/workflows/verify/staged.js';
import { DELETE_CONCURRENCY } from '../../vault/staging/staging.js';
import { HISTORY_EVENTS, stateEvents, type MapShape, type PathState, type WorkflowShape } from './asl.js';
import { BATCHING, type Batching } from './batching.js';
import { CaseKind, type ScaleCase } from './cases.js';
import { AWS_LIMITS } from './limits.js';
import type { ListingFigures, PartitionLoad, PlannedCase } from './plan-case.js';
import { countRequests, type S3Requests } from './requests.js';
import type { StepSizing } from './steps.js';

/** The engine's rates on one vCPU, as measured (`measure.ts`). */
export interface EngineRates {
  /** Plaintext MB per CPU-second when every chunk is new. */
  full_mb_per_cpu_second: number;
  /** Plaintext MB per CPU-second when every chunk is already stored. */
  dedup_mb_per_cpu_second: number;
  /** Plaintext MB per CPU-second of a checksum verification (every pack read back). */
  verify_mb_per_cpu_second: number;
  /** Heap bytes per blob of the dedup set an incremental export loads (`BlobIdSet`, its peak). */
  index_heap_bytes_per_blob: number;
  /** CPU-seconds per blob of loading that set (reading, checking, decrypting and parsing its index objects, building it). */
  index_load_cpu_seconds_per_blob: number;
}

/** The vault's constants the model counts with (vault/: pack size, chunker, multipart). */
export interface VaultConstants {
  pack_bytes: number;
  avg_chunk_bytes: number;
  multipart_threshold: number;
  part_bytes: number;
}

/** Everything one case is modelled from. */
export interface ModelInput {
  scale: ScaleCase;
  planned: PlannedCase;
  shape: WorkflowShape;
  /** Step sizing by ASL placeholder. */
  steps: ReadonlyMap<string, StepSizing>;
  vault: VaultConstants;
  engine: EngineRates;
  batching: Batching;
}

/** A rate on one prefix. */
export interface PrefixRate {
  prefix: string;
  per_second: number;
}

/** One Lambda step's figures. */
export interface StepFigures {
  step: string;
  memory_mb: number;
  timeout_seconds: number;
  invocations: number;
  /** The longest invocation. */
  max_seconds: number;
  gb_seconds: number;
}

/** The backup's Verify packs Map (checksum verification): pack batches read back by children. */
export interface VerifyFigures {
  /** New packs the backup wrote, each read back. */
  packs: number;
  /** Staged pack batches (the Map's items). */
  pack_batches: number;
  /** Pack batches per child. */
  batches_per_child: number;
  /** Child executions. */
  children: number;
  /** Children at once. */
  max_concurrency: number;
  /** The longest child. */
  max_child_seconds: number;
  /** Plan verify (existence of every referenced pack, staging), the Map, Record verification. */
  phases: { plan: number; map: number; record: number };
}

/** What the model computes for a case. */
export interface CaseFigures {
  partitions: number;
  map_items: number;
  items_per_batch: number;
  batches: number;
  /** Children at once: the Map's MaxConcurrency, never more than the batches. */
  max_concurrency: number;
  /** The Map's MaxConcurrency as the Plan set it. */
  map_max_concurrency: number;
  bytes: number;
  new_bytes: number;
  stored_bytes: number;
  lambda_steps: StepFigures[];
  lambda_invocations: number;
  lambda_gb_seconds: number;
  state_transitions: { parent: number; children: number; total: number };
  s3_requests: S3Requests;
  peak_put_per_prefix: PrefixRate;
  peak_get_per_prefix: PrefixRate;
  dynamodb_read_units: number;
  dynamodb_peak_read_units_per_second: number;
  plan_output_bytes: number;
  child_input_bytes: number;
  max_state_bytes: number;
  history_events: { parent: number; child: number };
  max_history_events: number;
  export_memory_mb: number;
  /** An incremental's dedup set loads (one per warm export container), the seconds of one, and the export phase if no container were reused; null for a full. */
  dedup_set: { loads: number; load_seconds: number; export_seconds_without_reuse: number } | null;
  snapshot_bytes: number;
  /** How long the source's snapshot is held (the export), in a chain of holder generations; null for sources that hold none. */
  snapshot_hold: { seconds: number; generations: number } | null;
  /** The Verify packs Map (null when the workflow has none). */
  verify: VerifyFigures | null;
  /** The List source rounds of a large S3 prefix (null when Plan listed it all). */
  listing: Omit<ListingFigures, 'child_seconds' | 'join_seconds'> & { max_child_seconds: number; concurrency: number } | null;
  /** Seconds of each phase. */
  phases: { plan: number; export: number; commit: number; verify: number; finalize: number };
  wall_seconds: number;
  /** The wall time if Verify only checked that the packs exist (no checksum pass). */
  wall_seconds_existence_verify: number;
  /** Seconds one batch of an average partition takes, and its rates, for what-if answers. */
  per_child: { seconds: number; put_per_second: number; source_get_per_second: number; read_units_per_second: number };
}

const MB = 1e6;

/** Payload bytes of an index object with one pack of `blobs` blobs (vault/index/index-codec.ts). */
const indexPayloadBytes = (blobs: number): number =>
  encodeIndex([{ id: '0'.repeat(64), keyId: '0'.repeat(32), size: 0, blobs: Array.from({ length: blobs }, () => ({ id: '0'.repeat(64), offset: 0, length: 0, rawLength: 0, compression: 0 })) }]).length;

/** Bytes of a blob's record in an index object, from the codec (ids are random: sealing neither shrinks nor grows them much). */
export const INDEX_BYTES_PER_BLOB = indexPayloadBytes(1) - indexPayloadBytes(0);

/** vCPUs a Lambda of `memoryMb` gets. */
export function vcpus(memoryMb: number): number {
  return memoryMb / ASSUMPTIONS.lambdaMbPerVcpu.value;
}

/** PUT-class requests to store `stored` bytes of one session's packs (full packs, then the last partial one). */
export function packPutRequests(stored: number, vault: VaultConstants): { packs: number; requests: number } {
  if (stored <= 0) return { packs: 0, requests: 0 };
  const full = Math.floor(stored / vault.pack_bytes);
  const rest = stored - full * vault.pack_bytes;
  // A pack closes once it reaches the pack size, so it ends about half a chunk past it.
  const fullSize = vault.pack_bytes + vault.avg_chunk_bytes / 2;
  const perFull = fullSize >= vault.multipart_threshold ? 2 + Math.ceil(fullSize / vault.part_bytes) : 1;
  return { packs: full + (rest > 0 ? 1 : 0), requests: full * perFull + (rest > 0 ? 1 : 0) };
}

/** Seconds the source takes to deliver a partition (pipelined with the engine, so the slower of the two binds). */
function sourceSeconds(scale: ScaleCase, p: PartitionLoad): number {
  const request = ASSUMPTIONS.s3RequestSeconds.value;
  if (scale.source.kind === CaseKind.DynamoDb) return p.bytes / (ASSUMPTIONS.dynamoDbSegmentMBps.value * MB);
  if (scale.source.kind === CaseKind.Postgres) return p.bytes / (ASSUMPTIONS.postgresCopyMBps.value * MB);
  const small = p.objects - p.large_objects;
  const pages = Math.ceil(p.objects / AWS_LIMITS.s3ListPageKeys.value);
  return (small * request) / readAhead(scale) + p.large_objects * request + p.large_bytes / (ASSUMPTIONS.s3StreamMBps.value * MB) + pages * request;
}

/** Small objects an S3 export fetches ahead: `DEFAULT_READ_AHEAD`, fewer when their first ranges would pass `READ_AHEAD_BYTES` together. */
export function readAhead(scale: ScaleCase): number {
  if (scale.source.kind !== CaseKind.S3) return 1;
  const held = Math.max(1, Math.min(scale.source.small_object_bytes, DEFAULT_RANGE_SIZE));
  return Math.max(1, Math.min(DEFAULT_READ_AHEAD, Math.floor(READ_AHEAD_BYTES / held)));
}

/** Source GETs of a partition (S3: one per small object, one per range of a large one). */
function sourceGets(scale: ScaleCase, p: PartitionLoad): number {
  if (scale.source.kind !== CaseKind.S3) return 0;
  return p.objects - p.large_objects + p.large_objects * Math.ceil(scale.source.large_object_bytes / DEFAULT_RANGE_SIZE);
}

/** Longest finish time of `jobs` (seconds) run `workers` at a time, longest first. */
export function makespan(jobs: readonly number[], workers: number): number {
  const sorted = [...jobs].sort((a, b) => b - a);
  if (workers >= sorted.length) return sorted[0] ?? 0;
  const finish = new Float64Array(workers);
  for (const job of sorted) {
    let min = 0;
    for (let w = 1; w < workers; w++) if (finish[w]! < finish[min]!) min = w;
    finish[min] = finish[min]! + job;
  }
  return Math.max(...finish);
}

/** PUT-class requests of one object of `bytes` (multipart past the threshold). */
function putRequests(bytes: number, vault: VaultConstants): number {
  return bytes >= vault.multipart_threshold ? 2 + Math.ceil(bytes / vault.part_bytes) : 1;
}

/** Bytes of a partition's record in a snapshot (format 2: its blob list reference, no blob ids), as JSON. */
function partitionRecordBytes(p: PartitionLoad): number {
  const record: PartitionRecord = { name: p.plan.name, blob_list: { id: 'a'.repeat(64), part: 999, count: Math.ceil(p.bytes / DEFAULT_CHUNKER_PARAMS.avg) }, size: p.bytes, sha256: 'b'.repeat(64), records: p.records };
  return Buffer.byteLength(JSON.stringify(record)) + 1;
}

/** A realistic BackupContext (ids as the catalog makes them), for payload sizes. */
function sampleContext(partitions: number): BackupContext {
  return {
    execution_id: 'exec_01JB2Q0F6N7X4K8M9P3R5T7V9W',
    backup_id: 'backup_01JB2Q0F6N7X4K8M9P3R5T7V9W',
    job_id: 'job_01JB2Q0F6N7X4K8M9P3R5T7V9W',
    type: 'incremental' as BackupContext['type'],
    base_full: 'f'.repeat(64),
    parent: 'e'.repeat(64),
    compression: { algorithm: 'zstd', level: 19 } as BackupContext['compression'],
    partitions: { area: 'backup_01JB2Q0F6N7X4K8M9P3R5T7V9W', name: 'partitions', count: partitions, per_object: DEFAULT_ITEMS_PER_OBJECT },
    skip_verification: false,
  };
}

function taskStates(states: readonly PathState[]): PathState[] {
  return states.filter((s) => s.type === 'Task' && s.resource !== undefined);
}

/** Models one case. @throws RangeError when a Task's placeholder is not in the step tables */
export function modelCase(input: ModelInput): CaseFigures {
  const { scale, planned, shape, steps, vault, engine, batching } = input;
  const sizing = (state: PathState): StepSizing => {
    const found = steps.get(state.resource ?? '');
    if (!found) throw new RangeError(`state ${state.name}: no step table declares ${state.resource}`);
    return found;
  };
  const mapStep = (map: MapShape): StepSizing => {
    const task = taskStates(map.itemStates)[0];
    if (!task) throw new RangeError(`Map ${map.name} runs no Lambda task`);
    if (map.declaredMode !== 'DISTRIBUTED' || !map.itemReader || !map.batched) throw new RangeError(`Map ${map.name}: the model follows Distributed Maps that read a staged item list in batches`);
    return sizing(task);
  };
  const parts = planned.partitions;
  const listing = planned.listing;
  const stepNamed = (name: string): StepSizing => {
    const found = [...steps.values()].find((step) => step.step === name);
    if (!found) throw new RangeError(`no step table declares ${name}`);
    return found;
  };
  const exportMap = shape.maps.find((m) => mapStep(m).step === 'exportPartition');
  if (!exportMap) throw new RangeError('no Map runs exportPartition');
  const exportStep = mapStep(exportMap);
  const verifyMap = shape.maps.find((m) => mapStep(m).step === 'verifyPacks');
  const incremental = scale.backup === 'incremental';
  const stored = (p: PartitionLoad): number => p.new_bytes * ASSUMPTIONS.storedPerNewByte.value;

  // Batches: consecutive partitions, `items_per_batch` each (the item reader keeps the list's order).
  const itemsPerBatch = batching.items_per_batch;
  const batches: PartitionLoad[][] = [];
  for (let i = 0; i < parts.length; i += itemsPerBatch) batches.push(parts.slice(i, i + itemsPerBatch));
  const concurrency = Math.min(batching.max_concurrency, batches.length);

  // The dedup index an incremental export loads: every blob of the vault (one earlier full of the same data).
  const bytes = parts.reduce((n, p) => n + p.bytes, 0);
  const vaultBlobs = incremental ? bytes / vault.avg_chunk_bytes : 0;
  const indexObjects = incremental ? batches.length : 0;
  const indexBytes = vaultBlobs * INDEX_BYTES_PER_BLOB;
  const exportCpu = vcpus(exportStep.memory_mb);
  const partitionSeconds = (p: PartitionLoad): number => {
    const engineSeconds = p.new_bytes / (engine.full_mb_per_cpu_second * exportCpu * MB) + (p.bytes - p.new_bytes) / (engine.dedup_mb_per_cpu_second * exportCpu * MB);
    return Math.max(engineSeconds, sourceSeconds(scale, p));
  };
  // Loading the set: its index objects' bytes at one stream's rate, their latencies 8 at once, and its CPU (one thread at most).
  const indexLoadSeconds = incremental
    ? indexBytes / (ASSUMPTIONS.s3StreamMBps.value * MB) + (indexObjects * ASSUMPTIONS.s3RequestSeconds.value) / READ_CONCURRENCY + (vaultBlobs * engine.index_load_cpu_seconds_per_blob) / Math.min(1, exportCpu)
    : 0;
  // A warm container keeps the set for the backup's next batches: one load per child at once (the longest batches,
  // which the longest-first schedule starts first, pay it). Without reuse every batch would load it.
  const indexLoads = incremental ? Math.min(batches.length, Math.ceil(concurrency * ASSUMPTIONS.dedupSetLoadsPerContainer.value)) : 0;
  const workSeconds = batches.map((b) => ASSUMPTIONS.invocationOverheadSeconds.value + b.reduce((n, p) => n + partitionSeconds(p), 0));
  const batchSeconds = [...workSeconds].sort((a, b) => b - a).map((seconds, i) => seconds + (i < indexLoads ? indexLoadSeconds : 0));
  const exportSeconds = makespan(workSeconds, concurrency) + (indexLoads > 0 ? indexLoadSeconds : 0);
  const exportSecondsWithoutReuse = makespan(workSeconds.map((seconds) => seconds + indexLoadSeconds), concurrency);

  // A snapshot (format 2) holds one record per partition naming its part of its batch's blob list; each batch writes one
  // blob list of its blobs' 32-byte ids (vault/snapshot/blob-list.ts; ids are hashes: zstd does not shrink them).
  const snapshotBytes = parts.reduce((n, p) => n + partitionRecordBytes(p), 0);
  const blobListBytes = (batch: readonly PartitionLoad[]): number => batch.reduce((n, p) => n + 4 + (p.bytes / vault.avg_chunk_bytes) * BLOB_ID_BYTES, 4);
  // S3 requests (requests.ts follows the code paths): one backup session, so one set of packs and one index object, per batch.
  const perPartition = parts.map((p) => ({ seconds: partitionSeconds(p), gets: sourceGets(scale, p), readUnits: p.bytes / 4096 / 2, packRequests: packPutRequests(stored(p), vault).requests }));
  const perBatch = batches.map((batch, b) => {
    const pk = packPutRequests(batch.reduce((n, p) => n + stored(p), 0), vault);
    const first = b * itemsPerBatch;
    return {
      items: batch.map((_, i) => first + i),
      packs: pk.packs,
      pack_requests: pk.requests,
      source_gets: batch.reduce((n, p) => n + sourceGets(scale, p), 0),
      blob_list_requests: putRequests(blobListBytes(batch), vault),
      source_lists: scale.source.kind === CaseKind.S3 ? batch.reduce((n, p) => n + Math.ceil(p.objects / AWS_LIMITS.s3ListPageKeys.value), 0) : 0,
    };
  });
  const packs = perBatch.reduce((n, b) => n + b.packs, 0);
  const ownIndexes = perBatch.filter((b) => b.packs > 0).length;
  const verify = verifyMap ? verifyFigures(mapStep(verifyMap), packs, ownIndexes, parts.reduce((n, p) => n + stored(p), 0), engine) : null;
  const earlierPacks = incremental ? Math.ceil(bytes / vault.pack_bytes) : 0;
  const totalPacks = earlierPacks + packs;
  const requests = countRequests({
    partitions: parts.length,
    batches: perBatch,
    parent_vault_openers: taskStates(shape.parentStates).filter((s) => sizing(s).opens_vault).length,
    incremental,
    earlier_snapshots: incremental ? 1 : 0,
    earlier_index_objects: indexObjects,
    index_loads: indexLoads,
    earlier_packs: earlierPacks,
    snapshot_requests: putRequests(snapshotBytes, vault),
    plan_source_lists: planned.plan_source_lists,
    listing: listing ? { ranges: listing.ranges, rounds: listing.rounds, children: listing.children, lists: listing.lists } : null,
    verify: verify ? { batches: verify.figures.pack_batches, children: verify.figures.children, index_reads: verify.index_reads } : null,
  });

  // Rates: every child at its partition's pace, all at once.
  const meanSeconds = perPartition.reduce((n, p) => n + p.seconds, 0) / Math.max(1, perPartition.length);
  const maxRate = (f: (p: (typeof perPartition)[number]) => number): number => Math.max(0, ...perPartition.map((p) => (p.seconds > 0 ? f(p) / p.seconds : 0)));
  const putPerChild = maxRate((p) => p.packRequests);
  const getPerChild = maxRate((p) => p.gets);
  const rcuPerChild = maxRate((p) => p.readUnits);
  const putRates: PrefixRate[] = [
    { prefix: 'data/ (one prefix until S3 splits it)', per_second: concurrency * putPerChild },
    { prefix: 'staging/<backup>/', per_second: concurrency / Math.max(1e-9, Math.min(...perPartition.map((p) => p.seconds))) },
  ];
  const getRates: PrefixRate[] = [
    { prefix: 'the source prefix', per_second: concurrency * getPerChild },
    ...(listing ? [{ prefix: 'the source prefix (List source children listing)', per_second: Math.min(LIST_MAX_CONCURRENCY, listing.max_round_children) / ASSUMPTIONS.s3RequestSeconds.value }] : []),
    ...(incremental ? [{ prefix: 'index/ (every child loads the index at start)', per_second: concurrency * (READ_CONCURRENCY / ASSUMPTIONS.s3RequestSeconds.value) }] : []),
    ...(verify ? [{ prefix: 'data/ (Verify packs children reading packs back)', per_second: verify.figures.max_concurrency * (verify.figures.packs / Math.max(1, verify.figures.children) / Math.max(1e-9, verify.figures.max_child_seconds)) }] : []),
  ];
  const peak = (rates: PrefixRate[]): PrefixRate => rates.reduce((a, b) => (b.per_second > a.per_second ? b : a));

  // Payloads: the Plan's output in the parent's state; a child's batch.
  const context = sampleContext(parts.length);
  const planOutput = { execution_id: context.execution_id, context, items: { bucket: 'haven-vault-123456789012-us-east-1', key: `vault/staging/${context.backup_id}/lists/partitions.json`, count: parts.length }, ...batching };
  const parentState = { job_id: context.job_id, trigger: 'schedule', plan: planOutput };
  const lastIndex = Math.max(0, parts.length - 1);
  const childInput = { Items: Array.from({ length: Math.min(itemsPerBatch, parts.length) }, (_, i) => lastIndex - i), BatchInput: { context } };
  const planOutputBytes = Buffer.byteLength(JSON.stringify(parentState));
  const childInputBytes = Buffer.byteLength(JSON.stringify(childInput));

  // Histories and transitions.
  // A child runs its Map's Lambda task once (the happy path); each Map adds its own events to the parent.
  const itemEvents = stateEvents(exportMap.itemStates.slice(0, 1));
  // Each listing round adds the List source Map, Join listing and the Choice that loops back.
  const roundEvents = HISTORY_EVENTS.map + HISTORY_EVENTS.distributedMapRun + HISTORY_EVENTS.task + HISTORY_EVENTS.other;
  // The snapshot holder: two loops (even and odd generations) run the whole hold, each re-invoked about once per generation.
  const holderTasks = taskStates(shape.parentStates).filter((state) => sizing(state).step === 'holdSnapshot').length;
  const hold = holderTasks > 0 ? holderChain(exportSeconds) : null;
  const holderLoopEvents = hold ? holderTasks * (hold.generations - 1) * (HISTORY_EVENTS.task + HISTORY_EVENTS.other) : 0;
  const parentEvents =
    HISTORY_EVENTS.execution + stateEvents(shape.parentStates) + shape.maps.length * (HISTORY_EVENTS.map + HISTORY_EVENTS.distributedMapRun) + (listing?.rounds ?? 0) * roundEvents + holderLoopEvents;
  const childEvents = HISTORY_EVENTS.execution + itemEvents;
  const parentTransitions = shape.parentStates.length + shape.maps.length + (listing?.rounds ?? 0) * 3 + (hold ? holderTasks * (hold.generations - 1) * 2 : 0);
  const childTransitions = batches.length + (verify?.figures.children ?? 0) + (listing?.children ?? 0);

  // Steps: Plan, the export batches, Commit, Verify, Finalize.
  const newBytes = parts.reduce((n, p) => n + p.new_bytes, 0);
  const overhead = ASSUMPTIONS.invocationOverheadSeconds.value;
  const phaseSeconds = new Map<string, number>();
  const request = ASSUMPTIONS.s3RequestSeconds.value;
  for (const state of taskStates(shape.parentStates)) {
    const step = sizing(state);
    const cpu = vcpus(step.memory_mb);
    let seconds = overhead;
    if (step.step === 'plan') seconds += planned.plan_source_seconds + (parts.length / 100 / 16) * request;
    if (step.step === 'commit') seconds += (parts.length * request) / READ_CONCURRENCY + snapshotBytes / (engine.full_mb_per_cpu_second * cpu * MB);
    // Existence: list data/, read every index object (8 at once), then stage the pack batches (16 at once).
    if (step.step === 'planVerify') seconds += Math.ceil(totalPacks / 1000) * request + ((indexObjects + 2 * ownIndexes) / 8) * request + ((verify?.figures.pack_batches ?? 0) / 16) * request;
    // The holder loops (Parallel branches beside the export) hold the source's snapshot until the partitions are exported.
    if (step.step === 'holdSnapshot') seconds += exportSeconds;
    // Every batch's result (a HEAD and a GET), then its chunk and result deleted, each so many at once.
    if (step.step === 'recordVerification') seconds += (verify?.figures.pack_batches ?? 0) * (2 / STAGED_READ_CONCURRENCY + 2 / DELETE_CONCURRENCY) * request;
    phaseSeconds.set(step.step, seconds);
  }
  if (verify) verify.figures.phases = { plan: phaseSeconds.get('planVerify') ?? 0, map: verify.figures.phases.map, record: phaseSeconds.get('recordVerification') ?? 0 };
  const lambdaSteps: StepFigures[] = [
    ...mergeSteps(
      taskStates(shape.parentStates).map((state) => {
        const step = sizing(state);
        const seconds = phaseSeconds.get(step.step) ?? overhead;
        // A holder loop's invocation ends within its budget; the loop runs for the whole hold.
        if (step.step === 'holdSnapshot' && hold) return { step: step.step, memory_mb: step.memory_mb, timeout_seconds: step.timeout_seconds, invocations: hold.generations, max_seconds: Math.min(seconds, holderBudgetSeconds()), gb_seconds: (seconds * step.memory_mb) / 1024 };
        return { step: step.step, memory_mb: step.memory_mb, timeout_seconds: step.timeout_seconds, invocations: 1, max_seconds: seconds, gb_seconds: (seconds * step.memory_mb) / 1024 };
      }),
    ),
    ...(listing ? [mapStepFigures(stepNamed('listSource'), listing.child_seconds), mapStepFigures(stepNamed('joinListing'), listing.join_seconds)] : []),
    mapStepFigures(exportStep, batchSeconds),
    ...(verify ? [mapStepFigures(verify.step, verify.child_seconds)] : []),
  ];
  const verifyPhases = verify?.figures.phases ?? { plan: phaseSeconds.get('planVerify') ?? 0, map: 0, record: 0 };
  const phases = {
    plan: (phaseSeconds.get('plan') ?? 0) + (listing?.wall_seconds ?? 0),
    export: exportSeconds,
    commit: phaseSeconds.get('commit') ?? 0,
    verify: verifyPhases.plan + verifyPhases.map + verifyPhases.record,
    finalize: phaseSeconds.get('finalize') ?? 0,
  };
  const packBuffers = ASSUMPTIONS.packsInMemory.value * (vault.pack_bytes + vault.avg_chunk_bytes);
  return {
    partitions: parts.length,
    map_items: parts.length,
    items_per_batch: itemsPerBatch,
    batches: batches.length,
    max_concurrency: concurrency,
    map_max_concurrency: batching.max_concurrency,
    bytes,
    new_bytes: newBytes,
    stored_bytes: newBytes * ASSUMPTIONS.storedPerNewByte.value,
    lambda_steps: lambdaSteps,
    lambda_invocations: lambdaSteps.reduce((n, s) => n + s.invocations, 0),
    lambda_gb_seconds: lambdaSteps.reduce((n, s) => n + s.gb_seconds, 0),
    state_transitions: { parent: parentTransitions, children: childTransitions, total: parentTransitions + childTransitions },
    s3_requests: requests,
    peak_put_per_prefix: peak(putRates),
    peak_get_per_prefix: peak(getRates),
    dynamodb_read_units: scale.source.kind === CaseKind.DynamoDb ? bytes / 4096 / 2 : 0,
    dynamodb_peak_read_units_per_second: scale.source.kind === CaseKind.DynamoDb ? concurrency * rcuPerChild : 0,
    plan_output_bytes: planOutputBytes,
    child_input_bytes: childInputBytes,
    max_state_bytes: Math.max(planOutputBytes, childInputBytes),
    history_events: { parent: parentEvents, child: childEvents },
    max_history_events: Math.max(parentEvents, childEvents),
    export_memory_mb: (vaultBlobs * engine.index_heap_bytes_per_blob + packBuffers) / (1024 * 1024) + ASSUMPTIONS.exportBaselineMb.value,
    dedup_set: incremental ? { loads: indexLoads, load_seconds: indexLoadSeconds, export_seconds_without_reuse: exportSecondsWithoutReuse } : null,
    snapshot_bytes: snapshotBytes,
    snapshot_hold: hold,
    verify: verify?.figures ?? null,
    listing: listing
      ? { rounds: listing.rounds, ranges: listing.ranges, children: listing.children, max_round_children: listing.max_round_children, lists: listing.lists, wall_seconds: listing.wall_seconds, max_child_seconds: Math.max(0, ...listing.child_seconds), concurrency: Math.min(LIST_MAX_CONCURRENCY, listing.max_round_children) }
      : null,
    phases,
    wall_seconds: phases.plan + phases.export + phases.commit + phases.verify + phases.finalize,
    // Existence only: Plan verify's outcome is final, no Map, no Record verification.
    wall_seconds_existence_verify: phases.plan + phases.export + phases.commit + verifyPhases.plan + phases.finalize,
    per_child: {
      seconds: meanSeconds,
      put_per_second: putPerChild,
      source_get_per_second: getPerChild,
      read_units_per_second: rcuPerChild,
    },
  };
}

/** A Map's Lambda step: one invocation per child (or Join listing: one per round). */
/** Seconds one holder invocation may hold: its function's timeout less the margin it keeps to let go (hold-snapshot.ts). */
function holderBudgetSeconds(): number {
  return SNAPSHOT_HOLDER_TIMEOUT_SECONDS - HOLDER_MARGIN_MS / 1000;
}

/**
 * The holder chain of a hold of `seconds`: a generation hands the snapshot on
 * {@link HANDOFF_LEAD_MS} before its budget ends, so each holds about
 * 820 s (control/workflows/backup/hold-snapshot.ts).
 */
export function holderChain(seconds: number): { seconds: number; generations: number } {
  const perGeneration = holderBudgetSeconds() - HANDOFF_LEAD_MS / 1000;
  return { seconds, generations: Math.max(1, Math.ceil(seconds / perGeneration)) };
}

/** One row per step: Tasks that run the same function (the two holder loops) add up. */
function mergeSteps(steps: readonly StepFigures[]): StepFigures[] {
  const merged = new Map<string, StepFigures>();
  for (const step of steps) {
    const seen = merged.get(step.step);
    merged.set(
      step.step,
      seen ? { ...seen, invocations: seen.invocations + step.invocations, max_seconds: Math.max(seen.max_seconds, step.max_seconds), gb_seconds: seen.gb_seconds + step.gb_seconds } : step,
    );
  }
  return [...merged.values()];
}

function mapStepFigures(step: StepSizing, childSeconds: readonly number[]): StepFigures {
  return {
    step: step.step,
    memory_mb: step.memory_mb,
    timeout_seconds: step.timeout_seconds,
    invocations: childSeconds.length,
    max_seconds: Math.max(0, ...childSeconds),
    gb_seconds: (childSeconds.reduce((n, s) => n + s, 0) * step.memory_mb) / 1024,
  };
}

/**
 * The Verify packs Map: Plan verify stages the backup's new packs in batches
 * of `BATCHING.packsPerCheckBatch` (in index order), batches them with
 * `BATCHING.verifyRule`, and each child reads its batches back at the
 * measured verification rate on its function's vCPU share, plus each
 * batch's requests (its staged result and chunk, a version listing per pack
 * `HEAD_CONCURRENCY` at once, the index objects it touches, the result it stages).
 */
function verifyFigures(step: StepSizing, packs: number, ownIndexes: number, storedBytes: number, engine: EngineRates): { figures: VerifyFigures; step: StepSizing; child_seconds: number[]; index_reads: number } {
  const perBatch = BATCHING.packsPerCheckBatch;
  const packBatches = Math.ceil(packs / perBatch);
  const batching = packBatches > 0 ? BATCHING.verifyRule(packBatches, storedBytes) : { items_per_batch: 1, max_concurrency: 0 };
  const packsIn = (batch: number): number => Math.min(perBatch, packs - batch * perBatch);
  // A batch of consecutive packs touches the index objects they span (packs are spread evenly over the backup's index objects).
  const indexReads = (batch: number): number => Math.min(ownIndexes, Math.ceil((packsIn(batch) * ownIndexes) / Math.max(1, packs)) + (packsIn(batch) < packs && ownIndexes > 1 ? 1 : 0));
  const request = ASSUMPTIONS.s3RequestSeconds.value;
  const rate = engine.verify_mb_per_cpu_second * vcpus(step.memory_mb) * MB;
  const childSeconds: number[] = [];
  let reads = 0;
  for (let first = 0; first < packBatches; first += batching.items_per_batch) {
    let seconds = ASSUMPTIONS.invocationOverheadSeconds.value;
    for (let b = first; b < Math.min(packBatches, first + batching.items_per_batch); b++) {
      const n = packsIn(b);
      reads += indexReads(b);
      seconds += (storedBytes * (n / packs)) / rate + (4 + indexReads(b) + Math.ceil(n / HEAD_CONCURRENCY)) * request;
    }
    childSeconds.push(seconds);
  }
  const concurrency = Math.min(batching.max_concurrency, childSeconds.length);
  return {
    figures: {
      packs,
      pack_batches: packBatches,
      batches_per_child: batching.items_per_batch,
      children: childSeconds.length,
      max_concurrency: concurrency,
      max_child_seconds: Math.max(0, ...childSeconds),
      phases: { plan: 0, map: makespan(childSeconds, Math.max(1, concurrency)), record: 0 },
    },
    step,
    child_seconds: childSeconds,
    index_reads: reads,
  };
}
