/**
 * S3 sources and test restores under the synthesized policies: the S3
 * source's listing needs `s3:ListBucket` on the source bucket (defect 2),
 * and a test restore writes scratch objects into the SSE-KMS vault bucket
 * and lists them with HeadBucket (defect 3). Each runs the workflow under
 * the enforced policy; taking `s3:ListBucket` away makes the backup fail
 * with AccessDenied.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../../local/cloud/cloud.js';
import { seedPrefix } from '../../../local/demo/seed-data.js';
import { createVerification } from '../../../control/verification/create.js';
import { newJob } from '../../helpers/jobs.js';
import { uniqueName } from '../../helpers/names.js';
import { removeAction } from '../../helpers/template-edit.js';
import { ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { s3Client } from '../../../vault/aws/clients.js';
import { SCRATCH_PREFIX } from '../../../control/verification/scratch.js';
import { HavenContextKey } from '../../../infra/config.js';
import { HavenEnv } from '../../../control/env.js';

const SMALL_BIG_FILE = 256 * 1024;

describe('an S3 prefix under the synthesized policies', () => {
  const bucket = uniqueName('s3src');
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceBuckets: [bucket] });
    await seedPrefix(bucket, 'app/', SMALL_BIG_FILE);
  });
  afterAll(() => cloud.close());

  test('backs up, and its test restore verifies it as intact (no false corruption)', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'app/' }));
    const backup = await cloud.workflows.run('backup', { job_id: job.job_id });
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(backup.status, 'SUCCEEDED', `${record.error?.code}: ${record.error?.message}`);
    const verification = await createVerification(cloud.catalog, { backup_id: record.backup_id, level: 'test_restore', requested_by: 'test' });

    // Act
    const verify = await cloud.workflows.run('verify', { verification_id: verification.verification_id });

    // Assess
    const verified = await cloud.catalog.verifications.get(verification.verification_id);
    assert.equal(verify.status, 'SUCCEEDED', `${verified.error?.code ?? verify.error}: ${verified.error?.message ?? verify.cause}`);
    assert.equal(verified.status, 'completed');
    assert.equal((await cloud.catalog.getBackup(record.backup_id)).status, 'completed', 'the backup is not marked corrupted');
    assert.deepEqual(cloud.denials.map((d) => `${d.principal} ${d.decision.denied?.request.action}`), []);
  });
});

describe('an S3 prefix without s3:ListBucket on the source bucket', () => {
  const bucket = uniqueName('s3nolist');
  let cloud: LocalCloud;
  let removed = 0;

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceBuckets: [bucket],
      editTemplate: (template) => {
        for (const [id, r] of Object.entries(template.Resources)) {
          if (r.Type === 'AWS::IAM::Role') removed += removeAction(template, id, 's3:ListBucket', (res) => JSON.stringify(res).includes(bucket));
        }
      },
    });
    await seedPrefix(bucket, 'app/', SMALL_BIG_FILE);
  });
  afterAll(() => cloud.close());

  test('fails with AccessDenied on s3:ListBucket, recorded on the backup', async () => {
    // Prepare
    assert.ok(removed > 0, 'the template granted s3:ListBucket on the source bucket');
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'app/' }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'FAILED');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'failed');
    assert.match(`${record.error?.code} ${record.error?.message}`, /AccessDenied|not authorized|denied/i);
    assert.ok(cloud.denials.some((d) => d.decision.denied?.request.action === 's3:ListBucket'));
  });
});

describe('an S3 test restore with Object Lock on the vault bucket', () => {
  const bucket = uniqueName('s3lock');
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceBuckets: [bucket], context: { [HavenContextKey.ObjectLockMode]: 'GOVERNANCE', [HavenContextKey.ObjectLockDays]: 1 } });
    await seedPrefix(bucket, 'app/', SMALL_BIG_FILE);
  });
  afterAll(() => cloud.close());

  test('verifies, and its cleanup leaves no scratch object behind (scratch has its own bucket, without Object Lock)', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'app/' }));
    const backup = await cloud.workflows.run('backup', { job_id: job.job_id });
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(backup.status, 'SUCCEEDED', `${record.error?.code}: ${record.error?.message}`);
    const verification = await createVerification(cloud.catalog, { backup_id: record.backup_id, level: 'test_restore', requested_by: 'test' });

    // Act
    const verify = await cloud.workflows.run('verify', { verification_id: verification.verification_id });

    // Assess
    const verified = await cloud.catalog.verifications.get(verification.verification_id);
    assert.equal(verify.status, 'SUCCEEDED', `${verified.error?.code ?? verify.error}: ${verified.error?.message ?? verify.cause}`);
    const scratchBucket = cloud.fn('Verify/CleanupScratch').environment[HavenEnv.ScratchBucket]!;
    const left = await s3Client().send(new ListObjectVersionsCommand({ Bucket: scratchBucket, Prefix: SCRATCH_PREFIX }));
    assert.deepEqual([...(left.Versions ?? []), ...(left.DeleteMarkers ?? [])].map((v) => v.Key), []);
    assert.deepEqual(cloud.denials.map((d) => `${d.principal} ${d.decision.denied?.request.action}`), []);
  });
});
