/**
 * Failures and conflicts of the deployed backup and restore workflows: a
 * failing Distributed Map batch, a Plan that fails after creating its record, a
 * failure quoting credentials, two starts of one job, a many-segment plan's
 * payloads, and restore conflict policies.
 *
 * Faults are injected through the local cloud's function host (its `faults`
 * option), because the emulator cannot make one Map child fail by itself: an
 * injected error fails the invocation of the batch holding a chosen partition
 * with the error name a thrown typed error would give Step Functions.
 * Retries wait the ASL's real intervals (seconds, full jitter). A child's
 * events are not in the parent's history (as in AWS), so the injector is
 * where the tests see the batches.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import assert from 'node:assert/strict';
import type { ExportBatchInput } from '../../control/workflows/backup/types.js';
import { HAVEN_ENTRY_METADATA } from '../../infra/constructs/haven-function.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { StepFunctionsLimits } from '../../local/cloud/workflows.js';
import type { Fault } from '../../local/functions/host.js';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { functionRole } from '../helpers/template-edit.js';
import { stepFault } from '../helpers/step-fault.js';
import { SourceNotFoundError } from '../../sources/errors.js';
import { StorageUnavailableError } from '../../vault/storage/errors.js';
import { listStaged } from '../../vault/staging/staging.js';
import { entriesOf } from './execution-history.js';

const EXPORT_PARTITION = 'Backup/ExportPartition';

/** Segments of the big plan: enough that its specs would dwarf the state if they travelled in it, and that it takes many batches. */
const SEGMENTS = 400;

describe('backup workflow failures and conflicts', () => {
  let cloud: LocalCloud;
  /** The fault for an export batch of these partition indexes in the running test (none outside a test that sets it). */
  let exportFault: ((items: readonly number[]) => Fault | undefined) | undefined;
  const PASSWORD = 'pw-4f9c1e';
  const table = uniqueName('faults');
  const tiny = uniqueName('tiny');
  const conflictTarget = uniqueName('conflict');

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceTables: [table, tiny],
      restoreTables: [conflictTarget],
      faults: ({ fn, event }) => (fn.path.endsWith(EXPORT_PARTITION) ? exportFault?.((event as ExportBatchInput).Items) : undefined),
    });
    await seedTable(table, 200);
  });
  afterAll(() => cloud.close());

  /** Runs a backup with `fault` on its export iterations, then clears the fault. */
  async function backupWith(fault: (items: readonly number[]) => Fault | undefined, input: Record<string, unknown>) {
    exportFault = fault;
    try {
      return await cloud.workflows.run('backup', input);
    } finally {
      exportFault = undefined;
    }
  }

  test('a failure in one Map batch ends FAILED with its own code (not the Map\'s), releases the lease, clears staging, commits nothing; a re-run succeeds', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table, segments: 4 }));
    const unreachable: Fault = stepFault(new StorageUnavailableError('injected: the vault bucket is unreachable'));
    let attempts = 0;

    // Act
    const failed = await backupWith((items) => (items.includes(2) ? (attempts++, unreachable) : undefined), { job_id: job.job_id });

    // Assess
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'BackupFailed');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, 'StorageUnavailable');
    assert.match(record.error?.message ?? '', /unreachable/);
    assert.equal((await cloud.catalog.getJob(job.job_id)).lease_owner, undefined);
    assert.equal(attempts, 5, 'the transient error was retried (4 more attempts) before the batch failed');
    assert.ok(failed.history.some((e) => e.type === 'MapRunFailed'), 'the Map run failed');
    const vault = await cloud.deps.vault();
    assert.deepEqual(await listStaged(vault, record.backup_id), [], 'the staging area is cleared');
    assert.deepEqual((await vault.listSnapshots()).filter((s) => s.snapshot.job_id === job.job_id), [], 'no snapshot committed');

    // Act: the fault is gone
    const rerun = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(rerun.status, 'SUCCEEDED', `${rerun.error}: ${rerun.cause}`);
    const done = (await cloud.catalog.listExecutions({ job_id: job.job_id, status: 'completed' })).items[0]!;
    assert.equal(done.result?.records, 200);
    assert.equal(done.result?.partitions, 4);
  });

  test('a failure whose message quotes a connection string is recorded FAILED and announced once, with the credentials cut out', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table, segments: 2 }));
    const leak: Fault = stepFault(new SourceNotFoundError(`could not reach postgresql://haven:${PASSWORD}@db.internal:5432/app; password=${PASSWORD}`));
    const before = cloud.events.length;

    // Act
    const failed = await backupWith((items) => (items.includes(0) ? leak : undefined), { job_id: job.job_id });

    // Assess
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'BackupFailed', String(failed.cause));
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, 'SourceNotFound');
    assert.match(record.error?.message ?? '', /^could not reach postgresql:\/\/\[redacted\]@db\.internal:5432\/app; password=\[redacted\]/);
    const published = cloud.events.slice(before).filter((e) => e.detailType === 'Backup Failed');
    assert.equal(published.length, 1);
    assert.equal((await cloud.catalog.getJob(job.job_id)).lease_owner, undefined, 'the lease is released');
    // The injected failure stands for what a function hands Step Functions, so the state carries it as given; what Haven's
    // own steps produce from it (Mark failed's result, the execution's failure) must not hold the password.
    const markFailed = entriesOf(failed.history, 'Mark failed').map((entry) => entry.succeeded?.lambdaFunctionSucceededEventDetails?.output);
    assert.equal(markFailed.length, 1);
    const ending = failed.history.filter((e) => e.type === 'ExecutionFailed');
    assert.ok(!JSON.stringify([record, published, await cloud.catalog.getJob(job.job_id), markFailed, ending]).includes(PASSWORD), 'no record, job, event or step result holds the password');
  });

  test('two starts of the same job at once: exactly one runs, the other fails with a clear conflict', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));

    // Act
    const [a, b] = await Promise.all([cloud.workflows.run('backup', { job_id: job.job_id }), cloud.workflows.run('backup', { job_id: job.job_id })]);

    // Assess
    assert.deepEqual([a.status, b.status].sort(), ['FAILED', 'SUCCEEDED']);
    const records = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items;
    const conflict = records.find((r) => r.status === 'failed')!;
    assert.equal(conflict.error?.code, 'JobAlreadyRunning');
    assert.match(conflict.error?.message ?? '', /already running|is running|holds/i);
    assert.equal(records.filter((r) => r.status === 'completed').length, 1);
    assert.equal((await cloud.catalog.getJob(job.job_id)).lease_owner, undefined, "the loser did not release the winner's lease, and the winner released its own");
  });

  test(`every Lambda input and output stays small for a ${SEGMENTS}-segment plan; the batches cover each segment once`, async () => {
    // Prepare
    await seedTable(tiny, 3);
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: tiny, segments: SEGMENTS }));
    const mark = cloud.host.invocations.length;
    const batches: number[][] = [];

    // Act
    const execution = await backupWith((items) => void batches.push([...items]), { job_id: job.job_id, custom_parameters: { max_concurrency: 40 } });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    assert.deepEqual(batches.flat().sort((a, b) => a - b), Array.from({ length: SEGMENTS }, (_, i) => i), 'each partition in exactly one batch');
    assert.equal(batches.length, 40, 'the partitions spread over the 40 children the run asked for');
    assert.ok(execution.history.length < StepFunctionsLimits.historyEvents, `${execution.history.length} history events, within Step Functions' limit`);
    const invocations = cloud.host.invocations.slice(mark);
    const largest = Math.max(...invocations.flatMap((i) => [i.requestBytes, i.responseBytes]));
    assert.ok(largest < StepFunctionsLimits.payloadBytes, `largest payload ${largest} bytes`);
    const plan = invocations.find((i) => i.path.endsWith('Backup/Plan'))!;
    // References and the batching only: the indexes are in the staged item list, the specs ({ segment, total } each) in the staged list.
    assert.ok(plan.responseBytes < 2048, `Plan's output is ${plan.responseBytes} bytes`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.partitions, SEGMENTS);
    assert.equal(record.result?.records, 3, 'every segment scanned once: a staged spec read at the wrong index would miss or repeat items');
  });

  test('restore conflicts: fail_if_exists refuses a non-empty target without writing; skip_existing leaves existing items alone', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    assert.equal((await cloud.workflows.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const backup = (await cloud.catalog.listExecutions({ job_id: job.job_id, status: 'completed' })).items[0]!;
    await seedTable(conflictTarget, 0);
    const mine: Record<string, AttributeValue> = { ...demoItem(5), bio: { S: 'edited in the target; must survive' } };
    await writeItems(conflictTarget, [5], () => mine);
    const before = await scanAll(conflictTarget);
    const restoreWith = async (policy: string) => {
      const created = await cloud.catalog.restores.create({ restore_name: policy, backup_id: backup.backup_id, destination: { type: 'dynamodb', table_name: conflictTarget }, restore_options: { conflict_policy: policy }, created_by: 'test' });
      return { run: await cloud.workflows.run('restore', { restore_id: created.restore_id }), record: await cloud.catalog.restores.get(created.restore_id) };
    };

    // Act
    const refused = await restoreWith('fail_if_exists');

    // Assess
    assert.equal(refused.run.status, 'FAILED');
    assert.equal(refused.record.error?.code, 'RestoreConflict');
    assert.deepEqual(await scanAll(conflictTarget), before, 'nothing was written');

    // Act
    const skipped = await restoreWith('skip_existing');

    // Assess
    assert.equal(skipped.run.status, 'SUCCEEDED', `${skipped.run.error}: ${skipped.run.cause}`);
    const after = await scanAll(conflictTarget);
    assert.equal(after.size, 200);
    const key = `${mine.pk!.S}|${mine.sk!.S}`;
    assert.equal(after.get(key), before.get(key), 'the existing item is untouched');
    assert.equal((await cloud.catalog.restores.get(skipped.record.restore_id)).result?.records_restored, 199);
  });
});

describe('backup workflow: a Plan that fails after creating its record', () => {
  const table = uniqueName('plan-fails');
  /** The bucket Plan's vault location names in this cloud: it does not exist. */
  const missingVault = uniqueName('no-vault');
  let cloud: LocalCloud;

  beforeAll(async () => {
    // Plan finds its vault gone (S3 answers NoSuchBucket, a StorageUnavailableError the Retry would match) after it created
    // the record and took the lease. Plan's role may use that bucket, so the failure is S3's, not IAM's.
    cloud = await LocalCloud.start({
      sourceTables: [table],
      editTemplate: (template) => {
        const plan = Object.values(template.Resources).find((r) => r.Type === 'AWS::Lambda::Function' && (r.Metadata?.[HAVEN_ENTRY_METADATA] as { path?: string } | undefined)?.path?.endsWith('Backup/Plan'));
        const variables = (plan!.Properties!.Environment as { Variables: Record<string, string> }).Variables;
        variables.HAVEN_VAULT_URI = `s3://${missingVault}/vault`;
        template.Resources.TestPlanMissingVaultPolicy = {
          Type: 'AWS::IAM::Policy',
          Properties: {
            PolicyName: 'test-plan-missing-vault',
            Roles: [{ Ref: functionRole(template, 'Backup/Plan') }],
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: [`arn:aws:s3:::${missingVault}`, `arn:aws:s3:::${missingVault}/*`] }] },
          },
        };
      },
    });
    await seedTable(table, 10);
  });
  afterAll(() => cloud.close());

  test('a scheduled run: one record FAILED, one Backup Failed, no retry of Plan, the lease released', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));

    // Act
    const failed = await cloud.workflows.run('backup', { job_id: job.job_id, trigger: 'schedule' });

    // Assess
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'BackupFailed');
    const plan = entriesOf(failed.history, 'Plan');
    assert.equal(plan.length, 1);
    assert.deepEqual(
      plan[0]!.failed.map((e) => e.lambdaFunctionFailedEventDetails?.error),
      ['FailureRecordedError'],
      'a failure Plan recorded is not retried (a retry would create a second record)',
    );
    const records = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items;
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status, 'failed');
    assert.equal(records[0]!.error?.code, 'StorageUnavailable');
    assert.match(records[0]!.error?.message ?? '', new RegExp(missingVault));
    const published = cloud.events.filter((e) => e.detailType === 'Backup Failed');
    assert.equal(published.length, 1, 'published once (by Plan; Mark failed finds the record ended)');
    assert.equal(published[0]!.detail.execution_id, records[0]!.execution_id);
    assert.equal((await cloud.catalog.getJob(job.job_id)).lease_owner, undefined);
  });
});
