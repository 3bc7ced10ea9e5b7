import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { seedPrefix } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { describePrefix } from '../../local/compare/s3-prefix.js';
import { entriesOf } from './execution-history.js';
import { putObjects } from '../sources/fixtures.js';

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
    assert.deepEqual(entriesOf(execution.history, 'Join listing'), [], 'a small prefix is planned in Plan, without the List source Map');
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

  test('a prefix past Plan\'s own listing is listed in rounds of the List source Map, backed up once per key and restored identical', async () => {
    // Prepare: 60 tiny objects (counting keys and a few unicode ones); Plan and each List source child list 12 objects at most
    const keys = [...Array.from({ length: 54 }, (_, i) => `k-${String(i).padStart(4, '0')}`), 'a/é', 'a/😀', 'a/\uFFFD', 'K', 'zz/deep', 'ünï'];
    await putObjects(bucket, keys.map((key) => ({ key: `many/${key}`, body: `body of ${key}` })));
    const job = await cloud.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'many/' }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id, custom_parameters: { list_keys: 12 } });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    assert.ok(entriesOf(execution.history, 'Join listing').length >= 2, 'at least two rounds of List source');
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.records, keys.length, 'every key exported exactly once');

    // Act
    const restore = await cloud.catalog.restores.create({ restore_name: 'many', backup_id: record.backup_id, destination: { type: 's3', bucket, prefix: 'many-restored/' }, created_by: 'test' });
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(await describePrefix(bucket, 'many-restored/'), await describePrefix(bucket, 'many/'));
    assert.deepEqual(cloud.denials, []);
  });
});
