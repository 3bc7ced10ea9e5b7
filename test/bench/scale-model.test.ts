/**
 * The capacity model's arithmetic (bench/scale/) on a small case: a 1 GiB
 * DynamoDB table planned by the real planner, modelled with fixed engine
 * rates so nothing is measured or timed here.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'vitest';
import { readWorkflowShape, workflowShape, type WorkflowShape } from '../../bench/scale/asl.js';
import { BATCHING } from '../../bench/scale/batching.js';
import { CaseKind, type ScaleCase } from '../../bench/scale/cases.js';
import { AWS_LIMITS } from '../../bench/scale/limits.js';
import { holderChain, makespan, packPutRequests, type EngineRates } from '../../bench/scale/model.js';
import { costOf, PRICES } from '../../bench/scale/prices.js';
import { BACKUP_ASL, runCase, VAULT_CONSTANTS } from '../../bench/scale/run-case.js';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

const ENGINE: EngineRates = { full_mb_per_cpu_second: 100, dedup_mb_per_cpu_second: 500, verify_mb_per_cpu_second: 300, index_heap_bytes_per_blob: 450, index_load_cpu_seconds_per_blob: 1e-6 };

/** A Distributed Map state whose children run one Lambda task. */
function distributedMap(task: string, resource: string, next: string) {
  return { Type: 'Map', ItemReader: {}, ItemBatcher: {}, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: task, States: { [task]: { Type: 'Task', Resource: resource, End: true } } }, Next: next };
}

/** A Distributed Map workflow with one Lambda step per batch, as the backup ASL's export has. */
const SHAPE: WorkflowShape = workflowShape({
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: '${PlanFunctionArn}', Next: 'Export partitions' },
    'Export partitions': distributedMap('Export partition', '${ExportPartitionFunctionArn}', 'Commit snapshot'),
    'Commit snapshot': { Type: 'Task', Resource: '${CommitFunctionArn}', Next: 'Finalize' },
    Finalize: { Type: 'Task', Resource: '${FinalizeFunctionArn}', End: true },
  },
});

/** The same with the backup's Verify: Plan verify, a Choice, the Verify packs Distributed Map, Record verification. */
const VERIFY_SHAPE: WorkflowShape = workflowShape({
  StartAt: 'Plan',
  States: {
    Plan: { Type: 'Task', Resource: '${PlanFunctionArn}', Next: 'Export partitions' },
    'Export partitions': distributedMap('Export partition', '${ExportPartitionFunctionArn}', 'Commit snapshot'),
    'Commit snapshot': { Type: 'Task', Resource: '${CommitFunctionArn}', Next: 'Plan verify' },
    'Plan verify': { Type: 'Task', Resource: '${PlanVerifyFunctionArn}', Next: 'Read packs back?' },
    'Read packs back?': { Type: 'Choice', Choices: [{ Variable: '$.verify_plan.read_packs', BooleanEquals: true, Next: 'Verify packs' }], Default: 'Finalize' },
    'Verify packs': distributedMap('Check packs', '${VerifyPacksFunctionArn}', 'Record verification'),
    'Record verification': { Type: 'Task', Resource: '${RecordVerificationFunctionArn}', Next: 'Finalize' },
    Finalize: { Type: 'Task', Resource: '${FinalizeFunctionArn}', End: true },
  },
}, { verify_plan: { read_packs: true } });

function smallTable(requestedConcurrency = 4): ScaleCase {
  return {
    name: 'small',
    description: '1 GiB DynamoDB table',
    source: { kind: CaseKind.DynamoDb, table_bytes: GiB, item_bytes: 4096, read_capacity_units: 40_000 },
    backup: 'full',
    changed_fraction: 1,
    requested_concurrency: requestedConcurrency,
  };
}

/** An S3 prefix of `objects` 100 KB objects, one in 1,000 of 100 MiB. */
function smallPrefix(objects: number): ScaleCase {
  return {
    name: 'prefix',
    description: 'S3 prefix',
    source: { kind: CaseKind.S3, objects, large_every: 1_000, large_object_bytes: 100 * MiB, small_object_bytes: 100_000 },
    backup: 'full',
    changed_fraction: 1,
    requested_concurrency: 40,
  };
}

describe('capacity model', () => {
  it('follows a Choice of Or and StringEquals rules on what the state holds', () => {
    // Prepare
    const definition = {
      StartAt: 'Plan',
      States: {
        Plan: { Type: 'Task', Resource: '${PlanFunctionArn}', Next: 'Again?' },
        'Again?': { Type: 'Choice', Choices: [{ Or: [{ Variable: '$.held.ended', StringEquals: 'x' }, { Variable: '$.held.ended', StringEquals: 'y' }], Next: 'Export partitions' }], Default: 'Finalize' },
        'Export partitions': distributedMap('Export partition', '${ExportPartitionFunctionArn}', 'Finalize'),
        Finalize: { Type: 'Task', Resource: '${FinalizeFunctionArn}', End: true },
      },
    };
    // Act
    const matched = workflowShape(definition, { held: { ended: 'y' } });
    const other = (): WorkflowShape => workflowShape(definition, { held: { ended: 'z' } });
    // Assess
    assert.equal(matched.maps.length, 1);
    assert.throws(other, /expected a Map/);
  });

  it('models a prefix past Plan\'s own listing as List source rounds whose partitions hold every object once', async () => {
    // Prepare
    const scale = smallPrefix(60_000);
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.ok(result.listing && result.listing.rounds >= 1 && result.listing.children >= 1, JSON.stringify(result.listing));
    assert.equal(result.lambda_steps.find((s) => s.step === 'listSource')?.invocations, result.listing.children);
    assert.equal(result.lambda_steps.find((s) => s.step === 'joinListing')?.invocations, result.listing.rounds);
    assert.equal(result.bytes, 60 * 100 * MiB + 59_940 * 100_000);
  });

  it('models a prefix Plan lists whole without List source', async () => {
    // Act
    const result = await runCase(smallPrefix(5_000), { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.equal(result.listing, null);
    assert.equal(result.lambda_steps.find((s) => s.step === 'listSource'), undefined);
  });

  it('plans a 1 GiB table in 128 MiB scan segments with the real planner', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.equal(result.partitions, 8);
  });

  it('holds a 30-minute export\'s snapshot in a chain of three holder generations', () => {
    // Prepare
    const hold = 30 * 60;
    // Act
    const chain = holderChain(hold);
    // Assess
    assert.deepEqual(chain, { seconds: hold, generations: 3 });
  });

  it('counts a full pack as a multipart upload of three parts', () => {
    // Prepare
    const stored = 128 * MiB;
    // Act
    const counted = packPutRequests(stored, VAULT_CONSTANTS);
    // Assess
    assert.deepEqual(counted, { packs: 8, requests: 8 * (2 + 3) });
  });

  it('counts half a read unit per 4 KiB scanned (eventually consistent)', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.equal(result.dynamodb_read_units, GiB / 4096 / 2);
  });

  it('gives a child execution the events of its one Lambda task and of its execution', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.equal(result.history_events.child, 2 + 5);
  });

  it('invokes Lambda once per batch and once per parent task', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.equal(result.lambda_invocations, result.batches + 3);
  });

  it('loads an incremental\'s dedup set once per child at once, not once per batch', async () => {
    // Prepare
    const table = smallTable(2);
    const scale: ScaleCase = { ...table, source: { ...table.source, table_bytes: 64 * GiB }, backup: 'incremental', changed_fraction: 0.01 } as ScaleCase;
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.ok(result.batches > result.max_concurrency, `${result.batches} batches, ${result.max_concurrency} at once`);
    assert.ok(result.dedup_set);
    assert.equal(result.dedup_set.loads, result.max_concurrency);
    assert.ok(result.dedup_set.export_seconds_without_reuse > result.phases.export);
  });

  it('holds an incremental\'s dedup set at the measured bytes per blob of the vault', async () => {
    // Prepare
    const scale: ScaleCase = { ...smallTable(2), backup: 'incremental', changed_fraction: 0.01 };
    const full = await runCase({ ...scale, backup: 'full', changed_fraction: 1 }, { engine: ENGINE, shape: SHAPE });
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    const blobs = result.bytes / VAULT_CONSTANTS.avg_chunk_bytes;
    assert.equal(Math.round((result.export_memory_mb - full.export_memory_mb) * 1024 * 1024), Math.round(blobs * ENGINE.index_heap_bytes_per_blob));
  });

  it('schedules batches longest first on the free worker', () => {
    // Prepare
    const batches = [2, 3, 2, 3, 2];
    // Act
    const finish = makespan(batches, 2);
    // Assess
    assert.equal(finish, 7);
  });

  it('prices state transitions per thousand', () => {
    // Prepare
    const transitions = 4_000;
    // Act
    const usd = costOf(PRICES.stateTransition, transitions);
    // Assess
    assert.equal(usd, 0.1);
  });

  it('keeps every limit for the small case', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE });
    // Assess
    assert.deepEqual(result.checks.filter((c) => !c.ok).map((c) => c.limit), []);
  });

  it('flags a Distributed Map forced to 20,000 children', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE, forceConcurrency: 20_000 });
    // Assess
    assert.equal(result.limits_ok, false);
  });

  it('names the Distributed Map concurrency as the limit 20,000 children exceed', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: SHAPE, forceConcurrency: 20_000 });
    // Assess
    assert.deepEqual(result.checks.filter((c) => !c.ok).map((c) => c.limit), [AWS_LIMITS.distributedMapConcurrency.name]);
  });

  it('follows the backup ASL through both of its Distributed Maps: the export, then Verify packs', () => {
    // Act
    const shape = readWorkflowShape(BACKUP_ASL, { verify_plan: { read_packs: true } });
    // Assess
    assert.deepEqual(shape.maps.map((m) => m.name), ['Export partitions', 'Verify packs']);
  });

  it('stages the new packs in batches of the pack-check batch size for Verify packs', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: VERIFY_SHAPE });
    // Assess
    assert.equal(result.verify?.pack_batches, Math.ceil(result.verify!.packs / BATCHING.packsPerCheckBatch));
  });

  it('invokes Lambda once per export batch, once per Verify packs child and once per parent task', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: VERIFY_SHAPE });
    // Assess
    assert.equal(result.lambda_invocations, result.batches + result.verify!.children + 5);
  });

  it('times Verify packs as its children run at the Map\'s concurrency, not as one function reading every pack', async () => {
    // Prepare
    const scale = smallTable();
    // Act
    const result = await runCase(scale, { engine: ENGINE, shape: VERIFY_SHAPE });
    // Assess
    const oneFunction = result.stored_bytes / (ENGINE.verify_mb_per_cpu_second * (1024 / 1769) * 1e6);
    assert.ok(result.verify!.children > 1 && result.verify!.phases.map < oneFunction, JSON.stringify(result.verify));
  });
});
