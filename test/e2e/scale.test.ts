/**
 * Scale (issue 15): a backup and a restore of a plan of 20,000 partitions
 * (a small DynamoDB table scanned in 20,000 segments, most of them empty) run
 * end to end on the local cloud through the workflows' Distributed Maps. No
 * state carries a list that grows with the partitions: every state and every
 * Lambda payload stays far below 256 KiB, and the parent execution's history
 * far below 25,000 events (the children's histories are their own). The
 * local cloud enforces both limits; the tests assert the largest state,
 * payload and history they observe, and how long each workflow took.
 *
 * The backup is built once, in `beforeAll`: later tests (the restore here,
 * and a verify of the same backup) reuse it.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import type { ExecutionRecord, VerificationRecord } from '../../control/catalog/types.js';
import { createVerification } from '../../control/verification/create.js';
import { VerificationLevel } from '../../control/verification/levels.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { StepFunctionsLimits, type Execution } from '../../local/cloud/workflows.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';

/** Partitions of the plan. */
const PARTITIONS = 20_000;
/** Items in the table: most segments are empty, so the run measures the fan-out, not the data. */
const ITEMS = 50;
/**
 * Children at once. The local cloud runs on two cores shared by the function
 * host, the IAM proxy and moto: 4 children of 1,000 partitions (the batching
 * rule's batches at this concurrency) go as fast as 40 of 50, and far faster
 * than 40 children contending.
 */
const CONCURRENCY = 4;
/** What a restore or a verify of the backup should take here, at most (measured: about 40 s and 10 s). */
const BUDGET_MS = 2 * 60_000;
/**
 * What the backup should take here, at most (measured: 4.5 to 5 minutes):
 * each of the 20,000 segments is one DynamoDB Scan, and the local cloud
 * serves about 75 of them a second through the IAM proxy, whatever the
 * batching.
 */
const BACKUP_BUDGET_MS = 7 * 60_000;

/** The largest state input or output in an execution's history, in bytes. */
function largestState(history: readonly HistoryEvent[]): number {
  const sizes = history.flatMap((event) =>
    [event.stateEnteredEventDetails?.input, event.stateExitedEventDetails?.output, event.executionStartedEventDetails?.input, event.executionSucceededEventDetails?.output]
      .filter((text): text is string => text !== undefined)
      .map((text) => Buffer.byteLength(text)),
  );
  return Math.max(0, ...sizes);
}

/** A finished workflow run, how long it took, and the largest Lambda payload of its invocations (its Map children's included). */
interface Measured {
  execution: Execution;
  ms: number;
  largestPayload: number;
}

describe(`scale: ${PARTITIONS.toLocaleString('en')} partitions`, () => {
  const table = uniqueName('scale');
  const restored = `${table}-restored`;
  let cloud: LocalCloud;
  /** The backup every test here reads (built once). */
  let backup: Measured & { record: ExecutionRecord };

  /** Runs a workflow and measures it. */
  async function measured(name: 'backup' | 'restore' | 'verify', input: unknown): Promise<Measured> {
    const mark = cloud.host.invocations.length;
    const started = Date.now();
    const execution = await cloud.workflows.run(name, input);
    const ms = Date.now() - started;
    const largestPayload = Math.max(0, ...cloud.host.invocations.slice(mark).flatMap((i) => [i.requestBytes, i.responseBytes]));
    return { execution, ms, largestPayload };
  }

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table], restoreTables: [restored] });
    await seedTable(table, ITEMS);
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    const run = await measured('backup', { job_id: job.job_id, custom_parameters: { segments: PARTITIONS, max_concurrency: CONCURRENCY } });
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    backup = { ...run, record };
    console.info(`scale: backup of ${PARTITIONS} partitions took ${(run.ms / 1000).toFixed(1)} s, ${run.execution.history.length} history events, largest state ${largestState(run.execution.history)} bytes, largest payload ${run.largestPayload} bytes`);
  });
  afterAll(() => cloud?.close());

  test('the backup commits every partition and every item', () => {
    // Assess
    assert.equal(backup.execution.status, 'SUCCEEDED', `${backup.execution.error}: ${backup.execution.cause}`);
    assert.equal(backup.record.status, 'completed');
    assert.equal(backup.record.result?.partitions, PARTITIONS);
    assert.equal(backup.record.result?.records, ITEMS, 'each segment scanned once: no item missed, none twice');
  });

  test('the backup stays far below Step Functions\' limits: its largest state, payload and history', () => {
    // Assess
    const state = largestState(backup.execution.history);
    assert.ok(state > 0, 'the history carries the states\' data');
    assert.ok(state < 16 * 1024, `largest state ${state} bytes (limit ${StepFunctionsLimits.payloadBytes})`);
    assert.ok(backup.largestPayload < 16 * 1024, `largest Lambda payload ${backup.largestPayload} bytes`);
    assert.ok(backup.execution.history.length < 200, `${backup.execution.history.length} history events (limit ${StepFunctionsLimits.historyEvents})`);
  });

  test(`the backup takes less than ${BACKUP_BUDGET_MS / 60_000} minutes`, () => {
    // Assess
    assert.ok(backup.ms < BACKUP_BUDGET_MS, `${(backup.ms / 1000).toFixed(1)} s`);
  });

  test('the restore of the backup writes every item back, within the same limits and time', async () => {
    // Prepare
    const restore = await cloud.catalog.restores.create({
      restore_name: 'scale',
      backup_id: backup.record.backup_id,
      destination: { type: 'dynamodb', table_name: restored, create_missing_tables: true },
      restore_options: { max_parallel_jobs: CONCURRENCY },
      created_by: 'test',
    });

    // Act
    const run = await measured('restore', { restore_id: restore.restore_id });

    // Assess
    console.info(`scale: restore of ${PARTITIONS} partitions took ${(run.ms / 1000).toFixed(1)} s, ${run.execution.history.length} history events, largest state ${largestState(run.execution.history)} bytes, largest payload ${run.largestPayload} bytes`);
    assert.equal(run.execution.status, 'SUCCEEDED', `${run.execution.error}: ${run.execution.cause}`);
    assert.equal((await cloud.catalog.restores.get(restore.restore_id)).result?.records_restored, ITEMS);
    assert.deepEqual(await scanAll(restored), await scanAll(table));
    assert.ok(largestState(run.execution.history) < 16 * 1024, `largest state ${largestState(run.execution.history)} bytes`);
    assert.ok(run.largestPayload < 16 * 1024, `largest Lambda payload ${run.largestPayload} bytes`);
    assert.ok(run.execution.history.length < 200, `${run.execution.history.length} history events`);
    assert.ok(run.ms < BUDGET_MS, `${(run.ms / 1000).toFixed(1)} s`);
  });

  /** What each verify level must show besides the limits: every pack read, or every item restored into scratch and counted back. */
  const VERIFY_LEVELS = [
    { level: VerificationLevel.Checksum, claim: 'reads every pack it references', holds: (r: VerificationRecord) => r.result?.packs_checked === r.result?.packs_total },
    { level: VerificationLevel.TestRestore, claim: 'restores every partition into scratch and counts every item back', holds: (r: VerificationRecord) => r.result?.test_restore_result?.records_counted === ITEMS },
  ] as const;

  for (const { level, claim, holds } of VERIFY_LEVELS) {
    test(`a ${level} verify of the backup ${claim}, within the same limits and time`, async () => {
      // Prepare
      const { verification_id } = await createVerification(cloud.catalog, { backup_id: backup.record.backup_id, level, requested_by: 'test' });

      // Act
      const run = await measured('verify', { verification_id });

      // Assess
      const record = await cloud.catalog.verifications.get(verification_id);
      console.info(`scale: ${level} verify of ${PARTITIONS} partitions took ${(run.ms / 1000).toFixed(1)} s, ${run.execution.history.length} history events, largest state ${largestState(run.execution.history)} bytes, largest payload ${run.largestPayload} bytes`);
      assert.equal(run.execution.status, 'SUCCEEDED', `${run.execution.error}: ${record.error?.message}`);
      assert.ok(holds(record), JSON.stringify(record.result));
      assert.ok(largestState(run.execution.history) < 16 * 1024, `largest state ${largestState(run.execution.history)} bytes`);
      assert.ok(run.largestPayload < 16 * 1024, `largest Lambda payload ${run.largestPayload} bytes`);
      assert.ok(run.execution.history.length < 200, `${run.execution.history.length} history events`);
      assert.ok(run.ms < BUDGET_MS, `${(run.ms / 1000).toFixed(1)} s`);
    });
  }
});
