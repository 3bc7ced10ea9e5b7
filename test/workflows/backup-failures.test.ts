import { before, describe, test } from 'node:test';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import assert from 'node:assert/strict';
import { StorageUnavailableError } from '../../engine/storage/errors.js';
import type { Step } from '../../functions/registry.js';
import type { WorkflowDeps } from '../../engine/workflows/deps.js';
import { LocalStack } from '../../local/stack/local-stack.js';
import { serialClient } from '../catalog/serial-client.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { uniqueName } from '../helpers/names.js';
import { DynamoDbRestoreTarget } from '../../engine/sources/dynamodb/target.js';
import { RestoreConflictError, SourceNotFoundError } from '../../engine/sources/errors.js';
import { PAYLOAD_LIMIT } from '../../local/runner/local-runner.js';
import { writeItems, demoItem } from '../../local/demo/seed-data.js';

describe('backup workflow failures and conflicts', () => {
  let stack: LocalStack;
  /** Fault injection (the emulator cannot make one Map iteration fail): partition 2 fails while `failing` is set. */
  let failing = true;
  /** Plan finds the vault unreachable while set (after it created the record and took the lease). */
  let vaultDown = false;
  /** While set, partition 0 fails with a message quoting a connection string (a PostgreSQL source's error, say). */
  let leaking = false;
  const PASSWORD = 'pw-4f9c1e';
  const table = uniqueName('faults');

  before(async () => {
    stack = await LocalStack.create({
      // moto's threaded server can let two concurrent conditional writes of one item both pass; serialized
      // writes give back DynamoDB's per-item atomicity, so the lease race tests the lease's condition.
      catalogClient: serialClient().client,
      wrapStep: (fn: string, step: Step): Step => {
        if (fn === 'haven-backup-plan') {
          return ((deps: WorkflowDeps, event: never) =>
            step(vaultDown ? { ...deps, vault: () => Promise.reject(new StorageUnavailableError('injected: the vault bucket is unreachable')) } : deps, event)) as Step;
        }
        return fn === 'haven-backup-export-partition'
          ? (async (deps, event: { index: number }) => {
              if (failing && event.index === 2) throw new StorageUnavailableError('injected: the vault bucket is unreachable');
              if (leaking && event.index === 0) throw new SourceNotFoundError(`could not reach postgresql://haven:${PASSWORD}@db.internal:5432/app; password=${PASSWORD}`);
              return step(deps, event as never);
            }) as Step
          : step;
      },
    });
    await seedTable(table, 200);
  });

  test('a failure in one Map iteration ends FAILED with its code, releases the lease, commits nothing; a re-run succeeds', async () => {
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: table, segments: 4 }));
    const failed = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'BackupFailed');
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, 'StorageUnavailable');
    assert.match(record.error?.message ?? '', /unreachable/);
    assert.equal((await stack.catalog.getJob(job.job_id)).lease_owner, undefined);
    const retried = failed.history.filter((e) => e.type === 'StateRetried' && e.state === 'Export partition').length;
    assert.ok(retried >= 1, 'the transient error was retried before failing');
    const vault = await stack.deps.vault();
    assert.deepEqual((await vault.listSnapshots()).filter((s) => s.snapshot.job_id === job.job_id), [], 'no snapshot committed');

    failing = false;
    const rerun = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(rerun.status, 'SUCCEEDED', `${rerun.error}: ${rerun.cause}`);
    const done = (await stack.catalog.listExecutions({ job_id: job.job_id, status: 'completed' })).items[0]!;
    assert.equal(done.result?.records, 200);
    assert.equal(done.result?.partitions, 4);
    failing = true;
  });

  test('a scheduled run whose Plan fails after creating its record: one record FAILED, one Backup Failed, no retry of Plan, the lease released', async () => {
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    vaultDown = true;
    const before = stack.events.length;
    const failed = await stack.runner.run('backup', { job_id: job.job_id, trigger: 'schedule' }).finally(() => (vaultDown = false));
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'BackupFailed');
    assert.equal(failed.history.filter((e) => e.type === 'StateRetried' && e.state === 'Plan').length, 0, 'a failure Plan recorded is not retried (a retry would create a second record)');
    const records = (await stack.catalog.listExecutions({ job_id: job.job_id })).items;
    assert.equal(records.length, 1);
    assert.equal(records[0]!.status, 'failed');
    assert.equal(records[0]!.error?.code, 'StorageUnavailable');
    const published = stack.events.slice(before).filter((e) => e.detailType === 'Backup Failed');
    assert.equal(published.length, 1, 'published once (by Plan; Mark failed finds the record ended)');
    assert.equal(published[0]!.detail.execution_id, records[0]!.execution_id);
    assert.equal((await stack.catalog.getJob(job.job_id)).lease_owner, undefined);
  });

  test('a failure whose message quotes a connection string is recorded FAILED and announced once, with the credentials cut out everywhere', async () => {
    failing = false;
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: table, segments: 2 }));
    leaking = true;
    const before = stack.events.length;
    const failed = await stack.runner.run('backup', { job_id: job.job_id }).finally(() => (leaking = false));
    failing = true;
    assert.equal(failed.status, 'FAILED');
    assert.equal(failed.error, 'BackupFailed');
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.equal(record.error?.code, 'SourceNotFound');
    assert.match(record.error?.message ?? '', /^could not reach postgresql:\/\/\[redacted\]@db\.internal:5432\/app; password=\[redacted\]/);
    const published = stack.events.slice(before).filter((e) => e.detailType === 'Backup Failed');
    assert.equal(published.length, 1);
    assert.equal((await stack.catalog.getJob(job.job_id)).lease_owner, undefined, 'the lease is released');
    assert.ok(!JSON.stringify([record, published, failed.history]).includes(PASSWORD), 'no record, event or history entry holds the password');
  });

  test('two starts of the same job at once: exactly one runs, the other fails with a clear conflict', async () => {
    failing = false;
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    const [a, b] = await Promise.all([stack.runner.run('backup', { job_id: job.job_id }), stack.runner.run('backup', { job_id: job.job_id })]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, ['FAILED', 'SUCCEEDED']);
    const records = (await stack.catalog.listExecutions({ job_id: job.job_id })).items;
    const conflict = records.find((r) => r.status === 'failed')!;
    assert.equal(conflict.error?.code, 'JobAlreadyRunning');
    assert.match(conflict.error?.message ?? '', /already running|is running|holds/i);
    assert.equal(records.filter((r) => r.status === 'completed').length, 1);
    assert.equal((await stack.catalog.getJob(job.job_id)).lease_owner, undefined, 'the loser did not release the winner\'s lease, and the winner released its own');
    failing = true;
  });

  test("every Lambda input and output stays under 256 KiB for a 1,000-segment plan; each iteration scans its own segment", async () => {
    failing = false;
    const tiny = uniqueName('tiny');
    await seedTable(tiny, 3);
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: tiny, segments: 1000 }));
    const execution = await stack.runner.run('backup', { job_id: job.job_id, custom_parameters: { max_concurrency: 40 } });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const invocations = execution.history.filter((e) => e.type === 'TaskInvoked');
    assert.equal(invocations.filter((e) => e.state === 'Export partition').length, 1000);
    const largest = Math.max(...invocations.flatMap((e) => [e.inputBytes ?? 0, e.outputBytes ?? 0]));
    assert.ok(largest < PAYLOAD_LIMIT, `largest payload ${largest} bytes`);
    const plan = invocations.find((e) => e.state === 'Plan')!;
    // 1,000 indexes (about 4 KB) and the context: the specs ({ segment, total } each) stay staged.
    assert.ok((plan.outputBytes ?? 0) > 3_000 && (plan.outputBytes ?? 0) < 8 * 1024, `Plan's output is ${plan.outputBytes} bytes`);
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.partitions, 1000);
    assert.equal(record.result?.records, 3, 'every segment scanned once: a staged spec read at the wrong index would miss or repeat items');
    failing = true;
  });

  test('restore conflicts: fail_if_exists refuses a non-empty target without writing; skip_existing leaves existing items alone', async () => {
    failing = false;
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    assert.equal((await stack.runner.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const backup = (await stack.catalog.listExecutions({ job_id: job.job_id, status: 'completed' })).items[0]!;

    const target = uniqueName('conflict');
    await seedTable(target, 0);
    const mine: Record<string, AttributeValue> = { ...demoItem(5), bio: { S: 'edited in the target; must survive' } };
    await writeItems(target, [5], () => mine);
    const before = await scanAll(target);

    const refused = await stack.catalog.restores.create({ restore_name: 'refuse', backup_id: backup.backup_id, destination: { type: 'dynamodb', table_name: target }, restore_options: { conflict_policy: 'fail_if_exists' }, created_by: 'test' });
    const refusedRun = await stack.runner.run('restore', { restore_id: refused.restore_id });
    assert.equal(refusedRun.status, 'FAILED');
    const refusedRecord = await stack.catalog.restores.get(refused.restore_id);
    assert.equal(refusedRecord.error?.code, 'RestoreConflict');
    assert.deepEqual(await scanAll(target), before, 'nothing was written');
    assert.ok(new RestoreConflictError('x') instanceof Error);

    const skip = await stack.catalog.restores.create({ restore_name: 'skip', backup_id: backup.backup_id, destination: { type: 'dynamodb', table_name: target }, restore_options: { conflict_policy: 'skip_existing' }, created_by: 'test' });
    const skipRun = await stack.runner.run('restore', { restore_id: skip.restore_id });
    assert.equal(skipRun.status, 'SUCCEEDED', `${skipRun.error}: ${skipRun.cause}`);
    const after = await scanAll(target);
    assert.equal(after.size, 200);
    const key = `${mine.pk!.S}|${mine.sk!.S}`;
    assert.equal(after.get(key), before.get(key), 'the existing item is untouched');
    assert.equal((await stack.catalog.restores.get(skip.restore_id)).result?.records_restored, 199);
    void DynamoDbRestoreTarget;
    failing = true;
  });
});
