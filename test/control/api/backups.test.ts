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
  /** The fixture, built once in beforeAll and only read afterwards. */
  const fixture = {
    /** A job keeping the last backup, with two completed backups, oldest first. */
    jobId: '',
    backupIds: [] as string[],
    /** Completed backups of other jobs, one for each test that deletes or locks a backup. */
    toDelete: '',
    toDeleteTwice: '',
    toLock: '',
  };

  async function createJob(overrides: Record<string, unknown> = {}): Promise<string> {
    const job = await api.call('POST', '/backup/jobs', jobBody(table, overrides));
    assert.equal(job.status, 201, job.text);
    return job.body.job_id;
  }

  async function completedBackup(jobId: string): Promise<string> {
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

  /** A backup id whose execution is queued (never run), of a job of its own. */
  async function queuedBackup(): Promise<string> {
    const jobId = await createJob();
    const job = await api.cloud.catalog.getJob(jobId);
    const queued = await api.cloud.catalog.createExecution({ job_id: jobId, job_name: job.job_name, backup_type: 'full', trigger: 'manual' });
    return queued.execution_id.replace(/^exec_/, 'backup_');
  }

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 40);
    fixture.jobId = await createJob({ retention: { keep_last: 1, days: 0 } });
    // One backup at a time per job (its lease): the other jobs' backups run beside the main job's two.
    const [backupIds, toDelete, toDeleteTwice, toLock] = await Promise.all([
      (async () => [await completedBackup(fixture.jobId), await completedBackup(fixture.jobId)])(),
      createJob().then(completedBackup),
      createJob().then(completedBackup),
      createJob().then(completedBackup),
    ]);
    Object.assign(fixture, { backupIds, toDelete, toDeleteTwice, toLock });
  });
  afterAll(() => api.close());

  const UNKNOWN_BACKUP = 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p';
  const UNKNOWN_JOB = 'job_01jd4x6f5e8q2v7c9w3k0m1n2p';

  test('POST /backup/backups/{id}/verify queues a verification (202) the verify workflow completes; GET reads it', async () => {
    // Prepare
    const backupId = fixture.backupIds[1]!;

    // Act
    const res = await api.call('POST', `/backup/backups/${backupId}/verify`, { verification_type: 'full', checksum_verification: true, integrity_check: true, test_restore: false });

    // Assess
    assert.equal(res.status, 202, res.text);
    assert.match(res.body.verification_id, /^verify_/);
    assert.equal(res.body.status, 'queued');
    assert.equal(res.body.level, 'checksum');
    assert.equal(res.body.backup_id, backupId);
    const done = await eventually(async () => {
      const r = await api.call('GET', `/backup/verifications/${res.body.verification_id}`);
      assert.equal(r.status, 200, r.text);
      return ['completed', 'failed'].includes(r.body.status) ? r.body : undefined;
    });
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const workflow = await api.cloud.workflows.wait(api.cloud.workflows.executionArn('verify', res.body.verification_id));
    assert.equal(workflow.status, 'SUCCEEDED', 'the verify workflow ran, named by the id');
  });

  test('POST /backup/backups/{id}/verify at level sample queues a verification of that percentage', async () => {
    // Prepare
    const backupId = fixture.backupIds[1]!;

    // Act
    const sample = await api.call('POST', `/backup/backups/${backupId}/verify`, { level: 'sample', sample_percent: 50 });

    // Assess
    assert.equal(sample.status, 202, sample.text);
    assert.equal(sample.body.sample_percent, 50);
  });

  test('verify refuses an unknown backup (404)', async () => {
    // Act
    const res = await api.call('POST', `/backup/backups/${UNKNOWN_BACKUP}/verify`, {});

    // Assess
    assert.equal(res.status, 404);
  });

  test('verify refuses a bad level (400)', async () => {
    // Act
    const level = await api.call('POST', `/backup/backups/${fixture.backupIds[1]}/verify`, { level: 'thorough' });

    // Assess
    assert.equal(level.status, 400, level.text);
    assert.equal(level.body.error, 'invalid_verification_request');
  });

  test('verify refuses a bad percentage (400: the document states its bounds)', async () => {
    // Act
    const percent = await api.call('POST', `/backup/backups/${fixture.backupIds[1]}/verify`, { level: 'sample', sample_percent: 150 });

    // Assess
    assert.equal(percent.status, 400, percent.text);
    assert.match(percent.body.message, /sample_percent/);
  });

  test('verify refuses a backup that is not completed (409)', async () => {
    // Prepare
    const queued = await queuedBackup();

    // Act
    const conflict = await api.call('POST', `/backup/backups/${queued}/verify`, {});

    // Assess
    assert.equal(conflict.status, 409, conflict.text);
  });

  test('GET /backup/verifications/{id} of an unknown verification is 404', async () => {
    // Act
    const unknown = await api.call('GET', '/backup/verifications/verify_01jd4x6f5e8q2v7c9w3k0m1n2p');

    // Assess
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.error, 'verification_not_found');
  });

  test('GET /backup/jobs/{id}/retention is a dry run: keep_last 1 keeps the newest and would forget the older, changing nothing', async () => {
    // Prepare
    const [older, newer] = fixture.backupIds;

    // Act
    const res = await api.call('GET', `/backup/jobs/${fixture.jobId}/retention`);

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.policy.keep_last, 1);
    assert.deepEqual(res.body.keep.map((k: { backup_id: string }) => k.backup_id), [newer]);
    assert.deepEqual(res.body.forget.map((k: { backup_id: string }) => k.backup_id), [older]);
    assert.equal((await api.cloud.catalog.getBackup(older!)).deleted_at ?? null, null, 'a dry run deletes nothing');
  });

  test('GET /backup/jobs/{id}/retention of an unknown job is 404', async () => {
    // Act
    const res = await api.call('GET', `/backup/jobs/${UNKNOWN_JOB}/retention`);

    // Assess
    assert.equal(res.status, 404);
  });

  test('GET /backup/jobs/{id}/retention of a job whose stored policy is invalid is 422', async () => {
    // Prepare
    const bad = await createJob();
    // A policy the API would refuse, written straight to the catalog (as an older version might have).
    await api.cloud.catalog.updateJob(bad, { retention: { keep_within: 'soon' } });

    // Act
    const invalid = await api.call('GET', `/backup/jobs/${bad}/retention`);

    // Assess
    assert.equal(invalid.status, 422, invalid.text);
  });

  test('job retention is checked by the retention engine: a bad keep_within, no rule at all or a negative count is a 422', async () => {
    // Prepare
    const existing = await createJob();

    // Act
    const within = await api.call('POST', '/backup/jobs', jobBody(table, { retention: { keep_within: 'soon' } }));
    const none = await api.call('POST', '/backup/jobs', jobBody(table, { retention: { days: 0 } }));
    const negative = await api.call('PUT', `/backup/jobs/${existing}`, { retention: { keep_last: -1 } });

    // Assess
    assert.equal(within.status, 422, within.text);
    assert.match(within.body.details.issues.join(' '), /keep_within/);
    assert.equal(none.status, 422, none.text);
    assert.equal(negative.status, 422, negative.text);
  });

  test('job retention in the retention engine\'s rules is accepted', async () => {
    // Act
    const ok = await api.call('POST', '/backup/jobs', jobBody(table, { retention: { keep_within: '7d', min_count: 2 } }));

    // Assess
    assert.equal(ok.status, 201, ok.text);
  });

  test('GET /backup/analytics answers the analytics schema', async () => {
    // Act
    const res = await api.call('GET', `/backup/analytics?job_id=${fixture.jobId}`);

    // Assess
    assert.equal(res.status, 200, res.text);
    AnalyticsSchema.parse(res.body);
    assert.ok(res.body.overview.total_backups >= 2, JSON.stringify(res.body.overview));
  });

  test('GET /backup/analytics with an unknown filter is 400', async () => {
    // Act
    const unknownFilter = await api.call('GET', '/backup/analytics?color=blue');

    // Assess
    assert.equal(unknownFilter.status, 400);
  });

  test('GET /backup/analytics over a backwards window is 422, as every list', async () => {
    // Act
    const backwards = await api.call('GET', '/backup/analytics?date_from=2024-02-01&date_to=2024-01-01');

    // Assess
    assert.equal(backwards.status, 422, backwards.text);
  });

  test('GET /backup/analytics of an unknown job is 404', async () => {
    // Act
    const unknown = await api.call('GET', `/backup/analytics?job_id=${UNKNOWN_JOB}`);

    // Assess
    assert.equal(unknown.status, 404, unknown.text);
  });

  /** The vault key of a backup's snapshot, and the vault's store. */
  async function snapshotOf(backupId: string) {
    const record = await api.cloud.catalog.getBackup(backupId);
    const store = (await api.cloud.deps.vault()).store;
    return { record, store, key: `snapshots/${record.result!.snapshot_id}` };
  }

  test('DELETE /backup/backups/{id} removes the snapshot from the vault and marks the record', async () => {
    // Prepare
    const backupId = fixture.toDelete;
    const { store, key } = await snapshotOf(backupId);
    assert.ok(await store.head(key), 'the snapshot is in the vault');

    // Act
    const res = await api.call('DELETE', `/backup/backups/${backupId}`);

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.backup_id, backupId);
    assert.equal(res.body.deleted_by, 'api');
    assert.ok(res.body.deleted_at);
    assert.equal(await store.head(key), undefined, 'the snapshot left the vault');
  });

  test('DELETE /backup/backups/{id} of a deleted backup answers the first deletion again', async () => {
    // Prepare
    const backupId = fixture.toDeleteTwice;
    const first = await api.call('DELETE', `/backup/backups/${backupId}`);
    assert.equal(first.status, 200, first.text);

    // Act
    const again = await api.call('DELETE', `/backup/backups/${backupId}`);

    // Assess
    assert.equal(again.status, 200);
    assert.equal(again.body.deleted_at, first.body.deleted_at);
  });

  test('DELETE /backup/backups/{id} of a locked backup is 409 and keeps its snapshot', async () => {
    // Prepare
    const { record, store, key } = await snapshotOf(fixture.toLock);
    await api.cloud.catalog.executions.annotate(record.execution_id, { locked: true });

    // Act
    const locked = await api.call('DELETE', `/backup/backups/${fixture.toLock}`);

    // Assess
    assert.equal(locked.status, 409, locked.text);
    assert.equal(locked.body.error, 'backup_locked');
    assert.ok(await store.head(key), 'a locked backup keeps its snapshot');
  });

  test('DELETE /backup/backups/{id} of a running backup is 409', async () => {
    // Prepare
    const running = await queuedBackup();

    // Act
    const busy = await api.call('DELETE', `/backup/backups/${running}`);

    // Assess
    assert.equal(busy.status, 409, busy.text);
    assert.equal(busy.body.error, 'backup_in_progress');
  });

  test('DELETE /backup/backups/{id} of an unknown backup is 404', async () => {
    // Act
    const res = await api.call('DELETE', `/backup/backups/${UNKNOWN_BACKUP}`);

    // Assess
    assert.equal(res.status, 404);
  });
});
