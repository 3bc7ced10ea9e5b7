/** Restores through the local API over HTTP: create (202, the workflow restores), list with every filter and paging, status. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { backupIdOf, IdPrefix, newId } from '../../../control/catalog/ids.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import { scanAll } from '../../../local/compare/dynamodb-table.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { uniqueName } from '../../helpers/names.js';
import { eventually, jobBody, startApiFixture, type ApiFixture } from './support.js';

describe('API: restores', () => {
  let api: ApiFixture;
  const table = uniqueName('api-restores');
  const target = `${table}-restored`;
  let backupId: string;

  async function finished(restoreId: string): Promise<{ status: string; result: { records_restored: number } }> {
    return eventually(async () => {
      const res = await api.call('GET', `/backup/restores/${restoreId}/status`);
      assert.equal(res.status, 200, res.text);
      return ['completed', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
    });
  }

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table], restoreTables: [target, table] });
    await seedTable(table, 120);
    const jobId = (await api.call('POST', '/backup/jobs', jobBody(table))).body.job_id;
    backupId = (await api.call('POST', `/backup/jobs/${jobId}/execute`, {})).body.backup_id;
    await eventually(async () => ((await api.call('GET', `/backup/backups/${backupId}`)).body.status === 'completed' ? true : undefined));
  });
  afterAll(() => api.close());

  test('POST /backup/restores queues a restore (202) that restores the table exactly', async () => {
    // Act
    const res = await api.call('POST', '/backup/restores', {
      restore_name: 'Emergency restore',
      description: 'after incident',
      backup_id: backupId,
      destination: { type: 'dynamodb', table_name: target, overwrite_existing: false, create_missing_tables: true },
      restore_options: { verify_after_restore: true, parallel_restore: true, max_parallel_jobs: 4 },
      notifications: { on_success: true, on_failure: true, on_warning: true, recipients: ['ops@example.com'] },
      created_by: 'admin_1',
    });

    // Assess
    assert.equal(res.status, 202, res.text);
    assert.match(res.body.restore_id, /^restore_/);
    assert.equal(res.body.status, 'queued');
    assert.equal(res.body.started_at, null);
    const status = await finished(res.body.restore_id);
    assert.equal(status.status, 'completed', JSON.stringify(status));
    assert.equal(status.result.records_restored, 120);
    assert.deepEqual(await scanAll(target), await scanAll(table));
  });

  test('a restore into a non-empty table with fail_if_exists fails in the workflow and says why', async () => {
    // Act
    const res = await api.call('POST', '/backup/restores', { restore_name: 'conflict', backup_id: backupId, destination: { type: 'dynamodb', table_name: table } });

    // Assess
    assert.equal(res.status, 202, res.text);
    const status = await finished(res.body.restore_id);
    assert.equal(status.status, 'failed');
    assert.equal((status as unknown as { error: { code: string } }).error.code, 'RestoreConflict');
  });

  /**
   * Two restores of a backup id of their own, written to the catalog (the
   * list reads only the catalog): the first completed, the second, a moment
   * later, failed. Nothing else is created during the test, so a list from
   * the first's creation time holds exactly these two.
   */
  async function twoRestores(): Promise<{ backup: string; ids: string[]; firstAt: string }> {
    const backup = backupIdOf(newId(IdPrefix.Execution, new Date()));
    const input = { restore_name: 'listed', backup_id: backup, destination: { type: 'dynamodb' as const, table_name: target }, created_by: 'admin_1' };
    const first = await api.cloud.catalog.restores.create(input);
    await api.cloud.catalog.restores.transition(first.restore_id, RecordStatus.Running);
    await api.cloud.catalog.restores.transition(first.restore_id, RecordStatus.Completed, { result: { tables_restored: 1, records_restored: 120, data_size: 4096, restored_at: new Date().toISOString() } });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await api.cloud.catalog.restores.create(input);
    await api.cloud.catalog.restores.transition(second.restore_id, RecordStatus.Failed, { error: { code: 'RestoreConflict', message: 'the table is not empty' } });
    return { backup, ids: [first.restore_id, second.restore_id], firstAt: encodeURIComponent(first.created_at) };
  }

  const idsOf = (res: { body: { restores: Array<{ restore_id: string }> } }) => res.body.restores.map((r) => r.restore_id);

  test('GET /backup/restores filters by backup_id, newest first, with the total', async () => {
    // Prepare
    const { backup, ids } = await twoRestores();

    // Act
    const all = await api.call('GET', `/backup/restores?backup_id=${backup}`);

    // Assess
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(idsOf(all), [...ids].reverse());
    assert.equal(all.body.total, 2);
  });

  test('GET /backup/restores filters by status', async () => {
    // Prepare
    const { backup, ids } = await twoRestores();

    // Act
    const failed = await api.call('GET', `/backup/restores?backup_id=${backup}&status=failed`);

    // Assess
    assert.deepEqual(idsOf(failed), [ids[1]]);
  });

  test('GET /backup/restores filters by date_to, inclusive', async () => {
    // Prepare
    const { backup, ids, firstAt } = await twoRestores();

    // Act
    const upTo = await api.call('GET', `/backup/restores?date_to=${firstAt}&backup_id=${backup}`);

    // Assess
    assert.deepEqual(idsOf(upTo), [ids[0]]);
  });

  test('GET /backup/restores filters by date_from, inclusive', async () => {
    // Prepare
    const { ids, firstAt } = await twoRestores();

    // Act
    const since = await api.call('GET', `/backup/restores?date_from=${firstAt}`);

    // Assess
    assert.deepEqual(idsOf(since), [...ids].reverse());
  });

  test('GET /backup/restores pages by offset', async () => {
    // Prepare
    const { ids, firstAt } = await twoRestores();

    // Act
    const offset = await api.call('GET', `/backup/restores?date_from=${firstAt}&limit=1&offset=1`);

    // Assess
    assert.deepEqual(idsOf(offset), [ids[0]]);
  });

  test('GET /backup/restores pages by cursor', async () => {
    // Prepare
    const { ids, firstAt } = await twoRestores();

    // Act
    const page1 = await api.call('GET', `/backup/restores?date_from=${firstAt}&limit=1`);
    const page2 = await api.call('GET', `/backup/restores?date_from=${firstAt}&limit=1&cursor=${page1.body.next_cursor}`);

    // Assess
    assert.deepEqual([...idsOf(page1), ...idsOf(page2)], [...ids].reverse());
    assert.equal(page2.body.next_cursor, null);
  });

  test('a restore of an unknown backup is 404', async () => {
    // Act
    const missing = await api.call('POST', '/backup/restores', { restore_name: 'x', backup_id: 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p', destination: { type: 'dynamodb', table_name: 'abc' } });

    // Assess
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'backup_not_found');
  });

  test('the status of an unknown restore is 404', async () => {
    // Act
    const res = await api.call('GET', '/backup/restores/restore_01jd4x6f5e8q2v7c9w3k0m1n2p/status');

    // Assess
    assert.equal(res.status, 404);
  });

  test('a restore of a backup that is not completed is 422', async () => {
    // Prepare
    const job = await api.cloud.catalog.createJob({ ...(await api.cloud.catalog.getJob((await api.cloud.catalog.getBackup(backupId)).job_id)), job_id: undefined } as never);
    const queued = await api.cloud.catalog.createExecution({ job_id: job.job_id, job_name: job.job_name, backup_type: 'full', trigger: 'manual' });

    // Act
    const res = await api.call('POST', '/backup/restores', { restore_name: 'x', backup_id: queued.backup_id, destination: { type: 'dynamodb', table_name: 'abc' } });

    // Assess
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'validation_failed');
    assert.match(res.body.details.issues[0], /only completed backups restore/);
  });
});
