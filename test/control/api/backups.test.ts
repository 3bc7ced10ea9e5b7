/**
 * Backups beyond listing, through the local API over HTTP: verify (202, the
 * verify workflow runs) and read a verification, a job's retention dry run,
 * delete a backup (its snapshot leaves the vault), analytics, and job
 * retention validated by the retention engine.
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { AnalyticsSchema } from '../../../control/analytics/schema.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { uniqueName } from '../../helpers/names.js';
import { eventually, jobBody, startApiFixture, type ApiFixture } from './support.js';

describe('API: verify, retention, delete, analytics', () => {
  let api: ApiFixture;
  const table = uniqueName('api-backups');
  let jobId: string;
  let backupIds: string[] = [];

  async function completedBackup(): Promise<string> {
    const run = await api.call('POST', `/backup/jobs/${jobId}/execute`, {});
    assert.equal(run.status, 202, run.text);
    const id: string = run.body.backup_id;
    const status = await eventually(async () => {
      const s = (await api.call('GET', `/backup/backups/${id}`)).body.status;
      return ['completed', 'failed', 'cancelled'].includes(s) ? s : undefined;
    });
    assert.equal(status, 'completed');
    return id;
  }

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 40);
    const job = await api.call('POST', '/backup/jobs', jobBody(table, { retention: { keep_last: 1, days: 0 } }));
    assert.equal(job.status, 201, job.text);
    jobId = job.body.job_id;
    backupIds = [await completedBackup(), await completedBackup()];
  });
  afterAll(() => api.close());

  test('POST /backup/backups/{id}/verify queues a verification (202) the verify workflow completes; GET reads it', async () => {
    const res = await api.call('POST', `/backup/backups/${backupIds[1]}/verify`, { verification_type: 'full', checksum_verification: true, integrity_check: true, test_restore: false });
    assert.equal(res.status, 202, res.text);
    assert.match(res.body.verification_id, /^verify_/);
    assert.equal(res.body.status, 'queued');
    assert.equal(res.body.level, 'checksum');
    assert.equal(res.body.backup_id, backupIds[1]);
    const done = await eventually(async () => {
      const r = await api.call('GET', `/backup/verifications/${res.body.verification_id}`);
      assert.equal(r.status, 200, r.text);
      return ['completed', 'failed'].includes(r.body.status) ? r.body : undefined;
    });
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const workflow = await api.cloud.workflows.wait(api.cloud.workflows.executionArn('verify', res.body.verification_id));
    assert.equal(workflow.status, 'SUCCEEDED', 'the verify workflow ran, named by the id');
    const sample = await api.call('POST', `/backup/backups/${backupIds[1]}/verify`, { level: 'sample', sample_percent: 50 });
    assert.equal(sample.status, 202, sample.text);
    assert.equal(sample.body.sample_percent, 50);
  });

  test('verify refuses an unknown backup (404), a bad level (400), a bad percentage (422) and a backup that is not completed (409)', async () => {
    assert.equal((await api.call('POST', '/backup/backups/backup_01jd4x6f5e8q2v7c9w3k0m1n2p/verify', {})).status, 404);
    const level = await api.call('POST', `/backup/backups/${backupIds[1]}/verify`, { level: 'thorough' });
    assert.equal(level.status, 400, level.text);
    assert.equal(level.body.error, 'invalid_verification_request');
    const percent = await api.call('POST', `/backup/backups/${backupIds[1]}/verify`, { level: 'sample', sample_percent: 150 });
    assert.equal(percent.status, 422, percent.text);
    assert.match(percent.body.message, /sample_percent/);
    const job = await api.cloud.catalog.getJob(jobId);
    const queued = await api.cloud.catalog.createExecution({ job_id: jobId, job_name: job.job_name, backup_type: 'full', trigger: 'manual' });
    const conflict = await api.call('POST', `/backup/backups/${queued.execution_id.replace(/^exec_/, 'backup_')}/verify`, {});
    assert.equal(conflict.status, 409, conflict.text);
    const unknown = await api.call('GET', '/backup/verifications/verify_01jd4x6f5e8q2v7c9w3k0m1n2p');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'verification_not_found');
  });

  test('GET /backup/jobs/{id}/retention is a dry run: keep_last 1 keeps the newest and would forget the older, changing nothing', async () => {
    const res = await api.call('GET', `/backup/jobs/${jobId}/retention`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.policy.keep_last, 1);
    assert.deepEqual(res.body.keep.map((k: { backup_id: string }) => k.backup_id), [backupIds[1]]);
    assert.deepEqual(res.body.forget.map((k: { backup_id: string }) => k.backup_id), [backupIds[0]]);
    assert.equal((await api.cloud.catalog.getBackup(backupIds[0]!)).deleted_at ?? null, null, 'a dry run deletes nothing');
    assert.equal((await api.call('GET', '/backup/jobs/job_01jd4x6f5e8q2v7c9w3k0m1n2p/retention')).status, 404);
    const bad = (await api.call('POST', '/backup/jobs', jobBody(table))).body;
    // A policy the API would refuse, written straight to the catalog (as an older version might have).
    await api.cloud.catalog.updateJob(bad.job_id, { retention: { keep_within: 'soon' } });
    const invalid = await api.call('GET', `/backup/jobs/${bad.job_id}/retention`);
    assert.equal(invalid.status, 422, invalid.text);
  });

  test('job retention is checked by the retention engine: a bad keep_within or a fractional rule is a 422; engine rules are accepted', async () => {
    const within = await api.call('POST', '/backup/jobs', jobBody(table, { retention: { keep_within: 'soon' } }));
    assert.equal(within.status, 422, within.text);
    assert.match(within.body.details.issues.join(' '), /keep_within/);
    const none = await api.call('POST', '/backup/jobs', jobBody(table, { retention: { days: 0 } }));
    assert.equal(none.status, 422, none.text);
    const ok = await api.call('POST', '/backup/jobs', jobBody(table, { retention: { keep_within: '7d', min_count: 2 } }));
    assert.equal(ok.status, 201, ok.text);
    assert.equal((await api.call('PUT', `/backup/jobs/${ok.body.job_id}`, { retention: { keep_last: -1 } })).status, 422);
  });

  test('GET /backup/analytics answers the analytics schema; bad filters are 400, an unknown job 404', async () => {
    const res = await api.call('GET', `/backup/analytics?job_id=${jobId}`);
    assert.equal(res.status, 200, res.text);
    AnalyticsSchema.parse(res.body);
    assert.ok(res.body.overview.total_backups >= 2, JSON.stringify(res.body.overview));
    assert.equal((await api.call('GET', '/backup/analytics?date_from=2024-02-01&date_to=2024-01-01')).status, 400);
    assert.equal((await api.call('GET', '/backup/analytics?color=blue')).status, 400);
    const unknown = await api.call('GET', '/backup/analytics?job_id=job_01jd4x6f5e8q2v7c9w3k0m1n2p');
    assert.equal(unknown.status, 404, unknown.text);
  });

  test('DELETE /backup/backups/{id} removes the snapshot from the vault and marks the record; locked and running backups are 409, unknown 404', async () => {
    const [older] = backupIds;
    const record = await api.cloud.catalog.getBackup(older!);
    const key = `snapshots/${record.result!.snapshot_id}`;
    const store = (await api.cloud.deps.vault()).store;
    assert.ok(await store.head(key), 'the snapshot is in the vault');
    await api.cloud.catalog.executions.annotate(record.execution_id, { locked: true });
    const locked = await api.call('DELETE', `/backup/backups/${older}`);
    assert.equal(locked.status, 409, locked.text);
    assert.equal(locked.body.error, 'backup_locked');
    assert.ok(await store.head(key), 'a locked backup keeps its snapshot');
    await api.cloud.catalog.executions.annotate(record.execution_id, { locked: false });

    const res = await api.call('DELETE', `/backup/backups/${older}`);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.backup_id, older);
    assert.equal(res.body.deleted_by, 'api');
    assert.ok(res.body.deleted_at);
    assert.equal(await store.head(key), undefined, 'the snapshot left the vault');
    const again = await api.call('DELETE', `/backup/backups/${older}`);
    assert.equal(again.status, 200);
    assert.equal(again.body.deleted_at, res.body.deleted_at);

    const job = await api.cloud.catalog.getJob(jobId);
    const running = await api.cloud.catalog.createExecution({ job_id: jobId, job_name: job.job_name, backup_type: 'full', trigger: 'manual' });
    const busy = await api.call('DELETE', `/backup/backups/${running.execution_id.replace(/^exec_/, 'backup_')}`);
    assert.equal(busy.status, 409, busy.text);
    assert.equal(busy.body.error, 'backup_in_progress');
    assert.equal((await api.call('DELETE', '/backup/backups/backup_01jd4x6f5e8q2v7c9w3k0m1n2p')).status, 404);
  });
});
