import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStack } from '../../local/stack/local-stack.js';
import { seedPrefix } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';
import { describePrefix } from '../../local/compare/s3-prefix.js';

describe('backup and restore workflows: S3', () => {
  let stack: LocalStack;
  const bucket = uniqueName('data');
  before(async () => {
    stack = await LocalStack.create();
    await seedPrefix(bucket, 'app/');
  });

  test('a prefix with a 0-byte object, unicode keys and a 65 MiB object round-trips with metadata', async () => {
    const job = await stack.catalog.createJob(newJob({ type: 's3', bucket, prefix: 'app/' }));
    const execution = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.result?.records, 6);
    assert.ok((record.result?.bytes_read ?? 0) > 65 * 1024 * 1024);

    const restore = await stack.catalog.restores.create({ restore_name: 's3', backup_id: record.backup_id, destination: { type: 's3', bucket, prefix: 'restored/' }, created_by: 'test' });
    const run = await stack.runner.run('restore', { restore_id: restore.restore_id });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const original = await describePrefix(bucket, 'app/');
    assert.equal(original.size, 6);
    assert.deepEqual(await describePrefix(bucket, 'restored/'), original);

    const selective = await stack.catalog.restores.create({
      restore_name: 'selective',
      backup_id: record.backup_id,
      destination: { type: 's3', bucket, prefix: 'only-reports/' },
      restore_options: { key_prefixes: ['reports/'] },
      created_by: 'test',
    });
    const selectiveRun = await stack.runner.run('restore', { restore_id: selective.restore_id });
    assert.equal(selectiveRun.status, 'SUCCEEDED', `${selectiveRun.error}: ${selectiveRun.cause}`);
    const only = await describePrefix(bucket, 'only-reports/');
    assert.deepEqual([...only.keys()].sort(), [...original.keys()].filter((k) => k.startsWith('reports/')).sort());
  });
});
