/**
 * The deployed prune workflow records each run in the catalog, on the local
 * cloud: a run that succeeds leaves a `completed` record holding what it did
 * (the backups retention forgot, the packs it deleted, the bytes it freed);
 * one whose Prune step fails leaves a `failed` record with the error's code
 * and redacted message, and `Prune Failed` is published exactly once; so
 * does one whose Distributed Map child (Join) fails, with the child's code.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { pruneRunIdOf } from '../../control/catalog/ids.js';
import { RecordStatus } from '../../control/catalog/status.js';
import { PRUNE_FAILED } from '../../control/workflows/prune/mark-failed.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { ExecutionStatus } from '../../local/cloud/workflows.js';
import type { Fault } from '../../local/functions/host.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { stepFault } from '../helpers/step-fault.js';
import { CorruptedBackupError } from '../../vault/format/errors.js';

describe('prune: the run record', () => {
  let cloud: LocalCloud;
  let bucket: string;
  /** The Prune step's fault while a test sets it (the emulator cannot make the vault fail by itself). */
  let pruneFault: Fault | undefined;
  /** The Join children's fault while a test sets it. */
  let joinFault: Fault | undefined;

  beforeAll(async () => {
    bucket = uniqueName('prune-record');
    await s3Client().send(new CreateBucketCommand({ Bucket: bucket }));
    cloud = await LocalCloud.start({ sourceBuckets: [bucket], faults: ({ fn }) => (fn.path.endsWith('Prune/Prune') ? pruneFault : fn.path.endsWith('Prune/Join') ? joinFault : undefined) });
  });
  afterAll(() => cloud.close());

  /** Backs up the bucket's current content with the job; the backup must succeed. */
  async function backup(jobId: string): Promise<void> {
    const run = await cloud.workflows.run('backup', { job_id: jobId });
    assert.equal(run.status, ExecutionStatus.Succeeded, `${run.error}: ${run.cause}`);
  }

  test('a run that succeeds leaves a completed record with what it forgot, deleted and freed', async () => {
    // Prepare: two full backups of different content; the policy keeps the newest only.
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'data/' }, { retention: { keep_last: 1 }, backup_type: 'full' }));
    for (const content of [randomBytes(200 * 1024), randomBytes(200 * 1024)]) {
      await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: 'data/object', Body: content }));
      await backup(job.job_id);
    }

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 }, 'prune-record-ok');

    // Assess
    assert.equal(run.status, ExecutionStatus.Succeeded, `${run.error}: ${run.cause}`);
    const id = pruneRunIdOf('prune-record-ok');
    assert.equal((run.output as { prune_run_id: string }).prune_run_id, id);
    const record = await cloud.catalog.pruneRuns.get(id);
    assert.equal(record.status, RecordStatus.Completed);
    assert.equal(record.execution_name, 'prune-record-ok');
    assert.equal(record.settings?.grace_seconds, 0);
    assert.equal(record.error, null);
    assert.equal(record.result?.jobs, 1);
    assert.equal(record.result?.backups_forgotten, 1);
    assert.ok((record.result?.packs_deleted ?? 0) >= 1, 'the forgotten backup\'s packs are deleted');
    assert.ok((record.result?.bytes_freed ?? 0) >= 200 * 1024, `bytes freed: ${record.result?.bytes_freed}`);
    assert.deepEqual((await cloud.catalog.pruneRuns.list({ status: RecordStatus.Completed })).items.map((r) => r.prune_run_id), [id]);
    assert.deepEqual(cloud.denials, [], 'each step\'s role may write the run record');
  });

  test('a run whose Prune step fails leaves a failed record with the code and redacted message, and Prune Failed once', async () => {
    // Prepare: an error type Prune does not retry, whose message quotes a credential.
    pruneFault = stepFault(new CorruptedBackupError('injected: pack unreadable at postgresql://haven:s3cr3t@db.internal/prod'));
    const before = cloud.events.length;

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 }, 'prune-record-fails').finally(() => (pruneFault = undefined));

    // Assess
    assert.equal(run.status, ExecutionStatus.Failed);
    assert.equal(run.error, 'PruneFailed');
    const record = await cloud.catalog.pruneRuns.get(pruneRunIdOf('prune-record-fails'));
    assert.equal(record.status, RecordStatus.Failed);
    assert.equal(record.error?.code, 'CorruptedBackup');
    assert.match(record.error?.message ?? '', /^injected: pack unreadable at /);
    assert.doesNotMatch(record.error?.message ?? '', /s3cr3t/);
    assert.equal(record.result, null);
    const failures = cloud.events.slice(before).filter((e) => e.detailType === PRUNE_FAILED);
    assert.equal(failures.length, 1, 'published once');
    assert.deepEqual(failures[0]!.detail, { execution: 'prune-record-fails', error_code: record.error?.code, error_message: record.error?.message });
  });

  test('a Join child that fails records its own code on the run, not the Map\'s, and Prune Failed once', async () => {
    // Prepare: an error type the Join child does not retry.
    joinFault = stepFault(new CorruptedBackupError('injected: index object unreadable'));
    const before = cloud.events.length;

    // Act
    const run = await cloud.workflows.run('prune', { grace_seconds: 0 }, 'prune-record-join-fails').finally(() => (joinFault = undefined));

    // Assess
    assert.equal(run.status, ExecutionStatus.Failed);
    const record = await cloud.catalog.pruneRuns.get(pruneRunIdOf('prune-record-join-fails'));
    assert.equal(record.status, RecordStatus.Failed);
    assert.deepEqual([record.error?.code, record.error?.message], ['CorruptedBackup', 'injected: index object unreadable']);
    const failures = cloud.events.slice(before).filter((e) => e.detailType === PRUNE_FAILED);
    assert.equal(failures.length, 1, 'published once');
    assert.equal(failures[0]!.detail.error_code, 'CorruptedBackup');
  });
});
