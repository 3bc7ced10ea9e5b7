/**
 * A DynamoDB restore under the synthesized policies: it writes the target
 * with `dynamodb:BatchWriteItem`; without that grant on the target table the
 * restore fails with AccessDenied and its record says so.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { LocalCloud } from '../../../local/cloud/cloud.js';
import { scanAll } from '../../../local/compare/dynamodb-table.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { newJob } from '../../helpers/jobs.js';
import { uniqueName } from '../../helpers/names.js';
import { functionRole, removeAction } from '../../helpers/template-edit.js';

/** Backs up `source` and restores its backup into `target`; returns the restore's execution and record. */
async function backupAndRestore(cloud: LocalCloud, source: string, target: string) {
  const job = await cloud.catalog.createJob(newJob({ type: 'dynamodb', table_name: source }));
  const backup = await cloud.workflows.run('backup', { job_id: job.job_id });
  const record = (await cloud.catalog.listExecutions({ job_id: job.job_id })).items[0]!;
  assert.equal(backup.status, 'SUCCEEDED', `${record.error?.code}: ${record.error?.message}`);
  const restore = await cloud.catalog.restores.create({ restore_name: 'grants', backup_id: record.backup_id, destination: { type: 'dynamodb', table_name: target }, created_by: 'test' });
  const execution = await cloud.workflows.run('restore', { restore_id: restore.restore_id });
  return { execution, record: await cloud.catalog.restores.get(restore.restore_id) };
}

describe('a DynamoDB restore under the synthesized policies', () => {
  const source = uniqueName('rsrc');
  const target = uniqueName('rdst');
  let cloud: LocalCloud;

  beforeAll(async () => {
    cloud = await LocalCloud.start({ sourceTables: [source], restoreTables: [target] });
    await seedTable(source, 40);
    await seedTable(target, 0);
  });
  afterAll(() => cloud.close());

  test('restores every item into the granted table', async () => {
    // Act
    const { execution, record } = await backupAndRestore(cloud, source, target);

    // Assess
    assert.equal(execution.status, 'SUCCEEDED', `${record.error?.code}: ${record.error?.message}`);
    assert.deepEqual(await scanAll(target), await scanAll(source));
  });
});

describe('a DynamoDB restore without dynamodb:BatchWriteItem on the target', () => {
  const source = uniqueName('rsrc');
  const target = uniqueName('rdst');
  let cloud: LocalCloud;
  let removed = 0;

  beforeAll(async () => {
    cloud = await LocalCloud.start({
      sourceTables: [source],
      restoreTables: [target],
      editTemplate: (template) => {
        removed = removeAction(template, functionRole(template, 'Restore/RestorePartition'), 'dynamodb:BatchWriteItem', (r) => JSON.stringify(r).includes(target));
      },
    });
    await seedTable(source, 40);
    await seedTable(target, 0);
  });
  afterAll(() => cloud.close());

  test('fails with AccessDenied, recorded on the restore, and writes nothing', async () => {
    // Prepare
    assert.ok(removed > 0, 'the template granted dynamodb:BatchWriteItem on the target');

    // Act
    const { execution, record } = await backupAndRestore(cloud, source, target);

    // Assess
    assert.equal(execution.status, 'FAILED');
    assert.equal(record.status, 'failed');
    assert.match(`${record.error?.code} ${record.error?.message}`, /AccessDenied|not authorized|denied/i);
    assert.ok(cloud.denials.some((d) => d.decision.denied?.request.action === 'dynamodb:BatchWriteItem'));
    assert.equal((await scanAll(target)).size, 0);
  });
});
