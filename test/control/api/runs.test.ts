/**
 * Runs through the local API over HTTP: execute (202, then the workflow
 * completes), job status, the backup list with every filter and both kinds
 * of paging, one backup, 409 for a second run, and cancel.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { seedTable } from '../../../local/demo/seed-data.js';
import { uniqueName } from '../../helpers/names.js';
import { eventually, jobBody, startApiFixture, type ApiFixture } from './support.js';

describe('API: runs and backups', () => {
  let api: ApiFixture;
  const table = uniqueName('api-runs');
  let jobId: string;
  let otherJobId: string;
  const backups: string[] = [];

  async function runToEnd(id: string, body?: unknown): Promise<{ execution_id: string; backup_id: string }> {
    const res = await api.call('POST', `/backup/jobs/${id}/execute`, body);
    assert.equal(res.status, 202, res.text);
    await eventually(async () => {
      const status = await api.call('GET', `/backup/jobs/${id}/status`);
      return ['completed', 'failed', 'cancelled'].includes(status.body.status) ? status.body : undefined;
    });
    return res.body;
  }

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 200);
    jobId = (await api.call('POST', '/backup/jobs', jobBody(table))).body.job_id;
    otherJobId = (await api.call('POST', '/backup/jobs', jobBody(table, { backup_type: 'full' }))).body.job_id;
  });
  afterAll(() => api.close());

  test('a job never run reports never_run', async () => {
    const res = await api.call('GET', `/backup/jobs/${jobId}/status`);
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'never_run');
    assert.equal(res.body.execution_id, null);
  });

  test('execute returns 202 with the queued run; the workflow completes it; status shows the result', async () => {
    const res = await api.call('POST', `/backup/jobs/${jobId}/execute`, {
      execution_options: { priority: 'high', force_full_backup: true, skip_verification: false, notify_on_completion: true },
      custom_parameters: { compression_level: 9, encryption_key: 'alias/haven-vault' },
    });
    assert.equal(res.status, 202, res.text);
    assert.match(res.body.execution_id, /^exec_/);
    assert.equal(res.body.status, 'queued');
    assert.equal(res.body.executed_by, 'local');
    assert.equal(res.body.custom_parameters.compression_level, 9);
    const status = await eventually(async () => {
      const s = await api.call('GET', `/backup/jobs/${jobId}/status`);
      return s.body.status === 'completed' ? s.body : undefined;
    });
    assert.equal(status.execution_id, res.body.execution_id);
    assert.equal(status.progress, 100);
    assert.equal(status.result.records, 200);
    assert.match(status.result.checksum, /^sha256:[0-9a-f]{64}$/);
    assert.equal(status.verification.status, 'passed');
    backups.push(res.body.backup_id);
  });

  test('execute with no body runs with defaults', async () => {
    const run = await runToEnd(jobId);
    backups.push(run.backup_id);
    const other = await runToEnd(otherJobId, {});
    backups.push(other.backup_id);
  });

  test('GET /backup/files lists backups with every filter, offset paging and cursor paging', async () => {
    const all = await api.call('GET', `/backup/files?job_id=${jobId}`);
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(all.body.files.map((f: { backup_id: string }) => f.backup_id), [backups[1], backups[0]]);
    assert.equal(all.body.total, 2);
    const file = all.body.files[1];
    for (const key of ['backup_id', 'job_id', 'job_name', 'backup_type', 'file_path', 'file_size', 'compression_ratio', 'encryption', 'checksum', 'status', 'created_at', 'verified_at', 'retention_until']) {
      assert.ok(key in file, `file has ${key}`);
    }
    assert.equal(file.backup_type, 'full', 'force_full_backup');
    assert.equal(all.body.files[0].backup_type, 'incremental');

    const full = await api.call('GET', `/backup/files?job_id=${jobId}&backup_type=full&status=completed`);
    assert.deepEqual(full.body.files.map((f: { backup_id: string }) => f.backup_id), [backups[0]]);
    assert.deepEqual(full.body.filters, { job_id: jobId, backup_type: 'full', status: 'completed' });
    const failed = await api.call('GET', `/backup/files?job_id=${jobId}&status=failed`);
    assert.equal(failed.body.total, 0);

    const first = await api.call('GET', `/backup/backups/${backups[0]}`);
    const from = encodeURIComponent(first.body.started_at);
    const since = await api.call('GET', `/backup/files?date_from=${from}&limit=1000`);
    const sinceIds = since.body.files.map((f: { backup_id: string }) => f.backup_id);
    assert.deepEqual(sinceIds, [backups[2], backups[1], backups[0]]);
    const until = await api.call('GET', `/backup/files?job_id=${jobId}&date_to=${from}`);
    assert.deepEqual(until.body.files.map((f: { backup_id: string }) => f.backup_id), [backups[0]]);

    const offset = await api.call('GET', `/backup/files?date_from=${from}&limit=1&offset=1`);
    assert.deepEqual(offset.body.files.map((f: { backup_id: string }) => f.backup_id), [backups[1]]);
    assert.equal(offset.body.total, 3);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { files: Array<{ backup_id: string }>; next_cursor: string | null } } = await api.call('GET', `/backup/files?date_from=${from}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.files.map((f) => f.backup_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    assert.deepEqual(seen, sinceIds);

    const wrongCursor = await api.call('GET', `/backup/files?job_id=${jobId}&cursor=${'a'.repeat(40)}`);
    assert.equal(wrongCursor.status, 400);
    assert.equal(wrongCursor.body.error, 'invalid_query');
  });

  test('GET /backup/backups/{id} reads one backup; an unknown one is 404 with the seed body', async () => {
    const res = await api.call('GET', `/backup/backups/${backups[0]}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.backup_id, backups[0]);
    assert.equal(res.body.status, 'completed');
    assert.equal(res.body.result.records, 200);
    const missing = await api.call('GET', '/backup/backups/backup_01jd4x6f5e8q2v7c9w3k0m1n2p');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'backup_not_found', message: 'Backup not found', details: { backup_id: 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p' } });
  });

  test('a second execute while one runs is 409 and records nothing', async () => {
    await api.cloud.catalog.acquireLease(otherJobId, 'exec_holder', 60);
    const before = (await api.cloud.catalog.listExecutions({ job_id: otherJobId })).items.length;
    const res = await api.call('POST', `/backup/jobs/${otherJobId}/execute`, {});
    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'job_already_running');
    assert.equal(res.body.details.execution_id, 'exec_holder');
    assert.equal((await api.cloud.catalog.listExecutions({ job_id: otherJobId })).items.length, before);
    await api.cloud.catalog.releaseLease(otherJobId, 'exec_holder');
  });

  test('a paused job is 409; unknown jobs are 404', async () => {
    await api.call('PUT', `/backup/jobs/${otherJobId}`, { status: 'paused' });
    const res = await api.call('POST', `/backup/jobs/${otherJobId}/execute`);
    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'job_paused');
    await api.call('PUT', `/backup/jobs/${otherJobId}`, { status: 'active' });
    assert.equal((await api.call('POST', '/backup/jobs/job_01jd4x6f5e8q2v7c9w3k0m1n2p/execute')).status, 404);
    assert.equal((await api.call('GET', '/backup/jobs/job_01jd4x6f5e8q2v7c9w3k0m1n2p/status')).status, 404);
  });

  test('cancel stops the run, records it cancelled and frees the job; cancelling again is 409', async () => {
    const started = await api.call('POST', `/backup/jobs/${otherJobId}/execute`, {});
    assert.equal(started.status, 202, started.text);
    const id = started.body.execution_id;
    const res = await api.call('POST', `/backup/executions/${id}/cancel`, { reason: 'test' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'cancelled');
    assert.deepEqual(res.body.error, { code: 'Cancelled', message: 'test' });
    const done = await api.cloud.workflows.wait(api.cloud.workflows.executionArn('backup', id));
    assert.notEqual(done.status, 'SUCCEEDED');
    assert.equal((await api.cloud.catalog.getExecution(id)).status, 'cancelled');
    await eventually(async () => ((await api.cloud.catalog.getJob(otherJobId)).lease_owner === undefined ? true : undefined), 10_000);
    const again = await api.call('POST', `/backup/executions/${id}/cancel`);
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'execution_not_running');
    assert.equal((await api.call('POST', '/backup/executions/exec_01jd4x6f5e8q2v7c9w3k0m1n2p/cancel')).status, 404);
    const status = await api.call('GET', `/backup/jobs/${otherJobId}/status`);
    assert.equal(status.body.status, 'cancelled');
  });

  test('a job that is running cannot be deleted (409)', async () => {
    await api.cloud.catalog.acquireLease(jobId, 'exec_holder', 60);
    const res = await api.call('DELETE', `/backup/jobs/${jobId}`);
    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'job_already_running');
    await api.cloud.catalog.releaseLease(jobId, 'exec_holder');
  });
});
