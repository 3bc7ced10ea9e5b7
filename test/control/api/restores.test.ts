/** Restores through the local API over HTTP: create (202, the workflow restores), list with every filter and paging, status. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { scanAll } from '../../../local/compare/dynamodb-table.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { uniqueName } from '../../helpers/names.js';
import { eventually, jobBody, startApiFixture, type ApiFixture } from './support.js';

describe('API: restores', () => {
  let api: ApiFixture;
  const table = uniqueName('api-restores');
  const target = `${table}-restored`;
  let backupId: string;
  const restoreIds: string[] = [];

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
    const res = await api.call('POST', '/backup/restores', {
      restore_name: 'Emergency restore',
      description: 'after incident',
      backup_id: backupId,
      destination: { type: 'dynamodb', table_name: target, overwrite_existing: false, create_missing_tables: true },
      restore_options: { verify_after_restore: true, parallel_restore: true, max_parallel_jobs: 4 },
      notifications: { on_success: true, on_failure: true, on_warning: true, recipients: ['ops@example.com'] },
      created_by: 'admin_1',
    });
    assert.equal(res.status, 202, res.text);
    assert.match(res.body.restore_id, /^restore_/);
    assert.equal(res.body.status, 'queued');
    assert.equal(res.body.started_at, null);
    restoreIds.push(res.body.restore_id);
    const status = await finished(res.body.restore_id);
    assert.equal(status.status, 'completed', JSON.stringify(status));
    assert.equal(status.result.records_restored, 120);
    assert.deepEqual(await scanAll(target), await scanAll(table));
  });

  test('a restore into a non-empty table with fail_if_exists fails in the workflow and says why', async () => {
    const res = await api.call('POST', '/backup/restores', { restore_name: 'conflict', backup_id: backupId, destination: { type: 'dynamodb', table_name: table } });
    assert.equal(res.status, 202, res.text);
    restoreIds.push(res.body.restore_id);
    const status = await finished(res.body.restore_id);
    assert.equal(status.status, 'failed');
    assert.equal((status as unknown as { error: { code: string } }).error.code, 'RestoreConflict');
  });

  test('GET /backup/restores filters by backup_id, status and dates and pages by offset and cursor', async () => {
    const all = await api.call('GET', `/backup/restores?backup_id=${backupId}`);
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.body.restores.map((r: { restore_id: string }) => r.restore_id), [...restoreIds].reverse());
    assert.equal(all.body.total, 2);
    const failed = await api.call('GET', `/backup/restores?backup_id=${backupId}&status=failed`);
    assert.deepEqual(failed.body.restores.map((r: { restore_id: string }) => r.restore_id), [restoreIds[1]]);
    const firstAt = encodeURIComponent(all.body.restores[1].created_at);
    const upTo = await api.call('GET', `/backup/restores?date_to=${firstAt}&backup_id=${backupId}`);
    assert.deepEqual(upTo.body.restores.map((r: { restore_id: string }) => r.restore_id), [restoreIds[0]]);
    const since = await api.call('GET', `/backup/restores?date_from=${firstAt}`);
    assert.deepEqual(since.body.restores.map((r: { restore_id: string }) => r.restore_id), [...restoreIds].reverse());
    const offset = await api.call('GET', `/backup/restores?date_from=${firstAt}&limit=1&offset=1`);
    assert.deepEqual(offset.body.restores.map((r: { restore_id: string }) => r.restore_id), [restoreIds[0]]);
    const page1 = await api.call('GET', `/backup/restores?date_from=${firstAt}&limit=1`);
    const page2 = await api.call('GET', `/backup/restores?date_from=${firstAt}&limit=1&cursor=${page1.body.next_cursor}`);
    assert.deepEqual([...page1.body.restores, ...page2.body.restores].map((r: { restore_id: string }) => r.restore_id), [...restoreIds].reverse());
    assert.equal(page2.body.next_cursor, null);
  });

  test('unknown backups and restores are 404; a backup that is not completed is 422', async () => {
    const missing = await api.call('POST', '/backup/restores', { restore_name: 'x', backup_id: 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p', destination: { type: 'dynamodb', table_name: 'abc' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'backup_not_found');
    assert.equal((await api.call('GET', '/backup/restores/restore_01jd4x6f5e8q2v7c9w3k0m1n2p/status')).status, 404);
    const job = await api.cloud.catalog.createJob({ ...(await api.cloud.catalog.getJob((await api.cloud.catalog.getBackup(backupId)).job_id)), job_id: undefined } as never);
    const queued = await api.cloud.catalog.createExecution({ job_id: job.job_id, job_name: job.job_name, backup_type: 'full', trigger: 'manual' });
    const res = await api.call('POST', '/backup/restores', { restore_name: 'x', backup_id: queued.backup_id, destination: { type: 'dynamodb', table_name: 'abc' } });
    assert.equal(res.status, 422);
    assert.equal(res.body.error, 'validation_failed');
    assert.match(res.body.details.issues[0], /only completed backups restore/);
  });
});
