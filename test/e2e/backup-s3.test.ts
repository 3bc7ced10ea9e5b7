import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { seedPrefix } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { describePrefix } from '../../local/compare/s3-prefix.js';

describe('backup and restore workflows: S3', () => {
  let cloud: LocalCloud;
  const bucket = uniqueName('data');
  beforeAll(async () => {
    // The bucket is both the source and the restore target (other prefixes), granted as such.
    cloud = await LocalCloud.start({ sourceBuckets: [bucket], restoreBuckets: [bucket] });
    await seedPrefix(bucket, 'app/');
  });
  afterAll(() => cloud.close());

  test('a prefix with a 0-byte object, unicode keys and a 65 MiB object round-trips with metadata', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'app/' }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.records, 6);
    assert.ok((record.result?.bytes_read ?? 0) > 65 * 1024 * 1024);

    // Act
    const restore = await cloud.catalog.restores.create({ restore_name: 's3', backup_id: record.backup_id, destination: { type: 's3', bucket, prefix: 'restored/' }, created_by: 'test' });
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const original = await describePrefix(bucket, 'app/');
    assert.equal(original.size, 6);
    assert.deepEqual(await describePrefix(bucket, 'restored/'), original);

    // Act
    const selective = await cloud.catalog.restores.create({
      restore_name: 'selective',
      backup_id: record.backup_id,
      destination: { type: 's3', bucket, prefix: 'only-reports/' },
      restore_options: { key_prefixes: ['reports/'] },
      created_by: 'test',
    });
    const selectiveRun = await cloud.workflows.run('restore', { restore_id: selective.restore_id });

    // Assess
    assert.equal(selectiveRun.status, 'SUCCEEDED', `${selectiveRun.error}: ${selectiveRun.cause}`);
    const only = await describePrefix(bucket, 'only-reports/');
    assert.deepEqual([...only.keys()].sort(), [...original.keys()].filter((k) => k.startsWith('reports/')).sort());
    assert.deepEqual(cloud.denials, []);
  });
});
