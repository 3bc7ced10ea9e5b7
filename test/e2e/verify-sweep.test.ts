/**
 * The weekly sweep entry point (`{ sweep: { level, scope } }`) and test
 * restores of S3 backups into a `haven-verify-…/` prefix of the deployed
 * scratch bucket, which is removed whether the restore passes or fails.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../vault/aws/clients.js';
import { scratchName } from '../../control/verification/scratch.js';
import { demoItem, seedPrefix, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { Damage, damagePack } from '../helpers/vault-damage.js';
import { entered, executionName } from './execution-history.js';
import { packsOf, runVerification } from './verify-support.js';

describe('verify workflow: weekly sweep and S3 test restores', () => {
  let cloud: LocalCloud;
  const table = uniqueName('sweep');
  const bucket = uniqueName('sweep-src');
  const backups: string[] = [];
  let s3Backup = '';

  const latest = async (jobId: string) => (await cloud.catalog.listExecutions({ job_id: jobId })).items[0]!.backup_id;
  /** Object versions left under a verification's scratch prefix, in the bucket the deployed verify functions write scratch to. */
  const scratchObjects = async (verificationId: string) => {
    const scratchBucket = cloud.fn('Verify/PrepareScratch').environment.HAVEN_SCRATCH_BUCKET;
    assert.ok(scratchBucket, 'the deployment names the scratch bucket to the verify functions');
    const out = await s3Client().send(new ListObjectVersionsCommand({ Bucket: scratchBucket, Prefix: `${scratchName(verificationId)}/` }));
    return (out.Versions?.length ?? 0) + (out.DeleteMarkers?.length ?? 0);
  };

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [table], sourceBuckets: [bucket] });
    await seedTable(table, 200);
    const tableJob = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table, segments: 2 }));
    assert.equal((await cloud.workflows.run('backup', { job_id: tableJob.job_id })).status, 'SUCCEEDED');
    backups.push(await latest(tableJob.job_id));
    await writeItems(table, [3], (i) => demoItem(i, 2));
    assert.equal((await cloud.workflows.run('backup', { job_id: tableJob.job_id })).status, 'SUCCEEDED');
    backups.push(await latest(tableJob.job_id));
    await seedPrefix(bucket, 'data/', 200_000);
    const bucketJob = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'data/' }));
    const run = await cloud.workflows.run('backup', { job_id: bucketJob.job_id });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    s3Backup = await latest(bucketJob.job_id);
    backups.push(s3Backup);
  });
  afterAll(() => cloud.close());

  test('a quick sweep verifies every completed backup, one verification record each', async () => {
    // Act
    const execution = await cloud.workflows.run('verify', { sweep: { level: 'quick' } });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const records = (await cloud.catalog.verifications.list({ limit: 100 })).items.filter((r) => r.sweep_id === `sweep-${executionName(execution.executionArn)}`);
    assert.deepEqual(records.map((r) => r.backup_id).sort(), [...backups].sort());
    for (const record of records) {
      assert.equal(record.status, 'completed');
      assert.equal(record.requested_by, 'schedule');
      assert.equal((await cloud.catalog.getBackup(record.backup_id)).verification?.status, 'passed');
    }
    assert.deepEqual(cloud.denials, []);
  });

  test('a checksum sweep over each job\'s latest backup finds a damaged shared pack and names every backup using it', async () => {
    // Prepare
    const [first, second] = [await packsOf(cloud, backups[0]!), await packsOf(cloud, backups[1]!)];
    const shared = [...second].find((p) => first.has(p))!;
    assert.ok(shared, 'the two table backups share a pack');
    const undo = await damagePack(cloud.bucket, shared, Damage.Truncate);
    try {
      // Act
      const execution = await cloud.workflows.run('verify', { sweep: { level: 'checksum', scope: 'latest' } });

      // Assess
      assert.equal(execution.status, 'FAILED');
      assert.equal(execution.error, 'VerificationFailed');
      const records = (await cloud.catalog.verifications.list({ limit: 100 })).items.filter((r) => r.sweep_id === `sweep-${executionName(execution.executionArn)}`);
      assert.deepEqual(records.map((r) => r.backup_id).sort(), [backups[1]!, s3Backup].sort(), 'the newest backup of each job');
      const tableRecord = records.find((r) => r.backup_id === backups[1])!;
      assert.equal(tableRecord.status, 'failed');
      assert.deepEqual(tableRecord.result?.damaged_backups, [backups[0]!, backups[1]!].sort(), 'the older backup outside the sweep is named too');
      assert.equal(records.find((r) => r.backup_id === s3Backup)!.status, 'completed');
      assert.equal((await cloud.catalog.getBackup(backups[0]!)).verification?.damaged, true);
      const event = cloud.events.findLast((e) => e.detailType === 'Verification Failed')!;
      assert.deepEqual(event.detail.damaged_packs, [shared]);
      assert.deepEqual(event.detail.verification_ids, [tableRecord.verification_id]);
    } finally {
      await undo();
    }
  });

  test('a sweep refuses test_restore and bad levels, recording nothing as running', async () => {
    for (const sweep of [{ level: 'test_restore' }, { level: 'deep' }, { level: 'quick', scope: 'some' }]) {
      // Act
      const execution = await cloud.workflows.run('verify', { sweep });

      // Assess
      assert.equal(execution.status, 'FAILED', JSON.stringify(sweep));
      assert.equal(execution.error, 'VerificationRunFailed');
      assert.equal(cloud.events.findLast((e) => e.detailType === 'Verification Failed')?.detail.error_code, 'InvalidInput');
    }
  });

  test('test_restore of an S3 backup restores into a haven-verify- prefix, compares, and removes it; also when the restore fails', async () => {
    // Act
    const passed = await runVerification(cloud, { backup_id: s3Backup, level: 'test_restore' });

    // Assess
    assert.equal(passed.execution.status, 'SUCCEEDED', `${passed.execution.error}: ${passed.record.error?.message}`);
    assert.equal(passed.record.result?.test_restore_result?.records_counted, passed.record.result?.test_restore_result?.records_expected);
    assert.ok((passed.record.result?.test_restore_result?.records_counted ?? 0) >= 5);
    assert.equal(passed.record.result?.test_restore_result?.cleaned_up, true);
    assert.equal(await scratchObjects(passed.record.verification_id), 0, 'scratch prefix removed, every version');

    // Act
    const pack = [...(await packsOf(cloud, s3Backup))][0]!;
    const undo = await damagePack(cloud.bucket, pack, Damage.FlipByte);
    try {
      const failed = await runVerification(cloud, { backup_id: s3Backup, level: 'test_restore' });

      // Assess
      assert.equal(failed.record.status, 'failed');
      assert.deepEqual(failed.record.result?.damaged_packs, [pack]);
      assert.ok(entered(failed.execution.history, 'Clean up scratch'));
      assert.equal(await scratchObjects(failed.record.verification_id), 0, 'scratch prefix removed after the failed restore');
    } finally {
      await undo();
    }
  });
});
