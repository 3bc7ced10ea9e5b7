import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LocalStack } from '../../local/stack/local-stack.js';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { uniqueName } from '../helpers/names.js';

describe('backup and restore workflows: DynamoDB', () => {
  let stack: LocalStack;
  const table = uniqueName('orders');
  before(async () => {
    stack = await LocalStack.create();
    await seedTable(table, 600);
    const big = demoItem(9999);
    big.bio = { S: 'b'.repeat(390 * 1024) };
    big.pk = { S: 'ключ-🔑-big' };
    await writeItems(table, [0], () => big);
  });

  test('backs up every item of every type (a 400 KB item, unicode keys) and restores it exactly into a new table', async () => {
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));
    const execution = await stack.runner.run('backup', { job_id: job.job_id });
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'completed');
    assert.equal(record.progress, 100);
    assert.equal(record.result?.records, 601);
    assert.equal(record.verification?.status, 'passed');
    assert.match(record.result?.checksum ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal((await stack.catalog.getJob(job.job_id)).lease_owner, undefined, 'the lease is released');
    assert.ok(stack.events.some((e) => e.detailType === 'Backup Succeeded' && e.detail.backup_id === record.backup_id));

    const target = `${table}-restored`;
    const restore = await stack.catalog.restores.create({ restore_name: 'test', backup_id: record.backup_id, destination: { type: 'dynamodb', table_name: target, create_missing_tables: true }, created_by: 'test' });
    const run = await stack.runner.run('restore', { restore_id: restore.restore_id });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const restored = await stack.catalog.restores.get(restore.restore_id);
    assert.equal(restored.status, 'completed');
    assert.equal(restored.result?.records_restored, 601);
    assert.deepEqual(await scanAll(target), await scanAll(table));
  });

  test('point in time: target_timestamp restores the newest completed backup at or before it', async () => {
    const small = `${table}-pit`;
    await seedTable(small, 50);
    const job = await stack.catalog.createJob(newJob({ type: 'dynamodb', table_name: small }));
    assert.equal((await stack.runner.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const first = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const asOfFirst = await scanAll(small);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await writeItems(small, [3], (i) => demoItem(i, 7));
    assert.equal((await stack.runner.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const second = (await stack.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.notEqual(second.backup_id, first.backup_id);

    const target = `${small}-as-of`;
    const restore = await stack.catalog.restores.create({
      restore_name: 'pit',
      backup_id: second.backup_id,
      destination: { type: 'dynamodb', table_name: target },
      restore_options: { target_timestamp: between },
      created_by: 'test',
    });
    const run = await stack.runner.run('restore', { restore_id: restore.restore_id });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(await scanAll(target), asOfFirst, 'the table as the first backup saw it');
  });
});

