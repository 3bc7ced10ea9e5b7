import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../local/cloud/cloud.js';
import { demoItem, seedTable, writeItems } from '../../local/demo/seed-data.js';
import { newJob } from '../helpers/jobs.js';
import { scanAll } from '../../local/compare/dynamodb-table.js';
import { uniqueName } from '../helpers/names.js';

describe('backup and restore workflows: DynamoDB', () => {
  let cloud: LocalCloud;
  const table = uniqueName('orders');
  const restored = `${table}-restored`;
  const small = `${table}-pit`;
  const asOf = `${small}-as-of`;

  beforeAll(async () => {
    // The template grants exactly these tables, as a deployment's context lists them.
    cloud = await LocalCloud.start({ sourceTables: [table, small], restoreTables: [restored, asOf] });
    await seedTable(table, 600);
    const big = demoItem(9999);
    big.bio = { S: 'b'.repeat(390 * 1024) };
    big.pk = { S: 'ключ-🔑-big' };
    await writeItems(table, [0], () => big);
  });
  afterAll(() => cloud.close());

  test('backs up every item of every type (a 400 KB item, unicode keys) and restores it exactly into a new table', async () => {
    // Prepare
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: table }));

    // Act
    const execution = await cloud.workflows.run('backup', { job_id: job.job_id });

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.equal(record.status, 'completed');
    assert.equal(record.progress, 100);
    assert.equal(record.result?.records, 601);
    assert.equal(record.verification?.status, 'passed');
    assert.match(record.result?.checksum ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal((await cloud.catalog.getJob(job.job_id)).lease_owner, undefined, 'the lease is released');
    assert.ok(cloud.events.some((e) => e.detailType === 'Backup Succeeded' && e.detail.backup_id === record.backup_id));

    // Act
    const restore = await cloud.catalog.restores.create({ restore_name: 'test', backup_id: record.backup_id, destination: { type: 'dynamodb', table_name: restored, create_missing_tables: true }, created_by: 'test' });
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause} ${JSON.stringify((await cloud.catalog.restores.get(restore.restore_id)).error)}`);
    const done = await cloud.catalog.restores.get(restore.restore_id);
    assert.equal(done.status, 'completed');
    assert.equal(done.result?.records_restored, 601);
    assert.deepEqual(await scanAll(restored), await scanAll(table));
    assert.deepEqual(cloud.denials, []);
  });

  test('point in time: target_timestamp restores the newest completed backup at or before it', async () => {
    // Prepare
    await seedTable(small, 50);
    const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: small }));
    assert.equal((await cloud.workflows.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const first = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    const asOfFirst = await scanAll(small);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await writeItems(small, [3], (i) => demoItem(i, 7));
    assert.equal((await cloud.workflows.run('backup', { job_id: job.job_id })).status, 'SUCCEEDED');
    const second = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
    assert.notEqual(second.backup_id, first.backup_id);

    // Act
    const restore = await cloud.catalog.restores.create({
      restore_name: 'pit',
      backup_id: second.backup_id,
      destination: { type: 'dynamodb', table_name: asOf },
      restore_options: { target_timestamp: between },
      created_by: 'test',
    });
    const run = await cloud.workflows.run('restore', { restore_id: restore.restore_id });

    // Assess
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    assert.deepEqual(await scanAll(asOf), asOfFirst, 'the table as the first backup saw it');
  });
});
