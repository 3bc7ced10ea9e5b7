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
  /**
   * The listing fixture, built once in beforeAll and only read afterwards:
   * `jobId` ran twice (a forced full backup, then one with no body) and
   * `otherJobId` once, one after another; `backups` are their backup ids in
   * that order, and `from`/`until` the first's and the last's start times.
   */
  const fixture = { jobId: '', otherJobId: '', backups: [] as string[], from: '', until: '' };

  async function createJob(overrides: Record<string, unknown> = {}): Promise<string> {
    const res = await api.call('POST', '/backup/jobs', jobBody(table, overrides));
    assert.equal(res.status, 201, res.text);
    return res.body.job_id;
  }

  async function runToEnd(id: string, body?: unknown): Promise<{ execution_id: string; backup_id: string }> {
    const res = await api.call('POST', `/backup/jobs/${id}/execute`, body);
    assert.equal(res.status, 202, res.text);
    await eventually(async () => {
      const status = await api.call('GET', `/backup/jobs/${id}/status`);
      return ['completed', 'failed', 'cancelled'].includes(status.body.status) ? status.body : undefined;
    });
    return res.body;
  }

  /** The options of a forced full run. */
  const FORCED_FULL = {
    execution_options: { priority: 'high', force_full_backup: true, skip_verification: false, notify_on_completion: true },
    custom_parameters: { compression_level: 9, encryption_key: 'alias/haven-vault' },
  };

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 200);
    fixture.jobId = await createJob();
    fixture.otherJobId = await createJob({ backup_type: 'full' });
    for (const [job, body] of [[fixture.jobId, FORCED_FULL], [fixture.jobId, undefined], [fixture.otherJobId, {}]] as const) {
      fixture.backups.push((await runToEnd(job, body)).backup_id);
    }
    const startOf = async (backupId: string) => encodeURIComponent((await api.call('GET', `/backup/backups/${backupId}`)).body.started_at);
    fixture.from = await startOf(fixture.backups[0]!);
    fixture.until = await startOf(fixture.backups[2]!);
  });
  afterAll(() => api.close());

  const idsOf = (res: { body: { files: Array<{ backup_id: string }> } }) => res.body.files.map((f) => f.backup_id);

  test('a job never run reports never_run', async () => {
    // Prepare
    const jobId = await createJob();

    // Act
    const res = await api.call('GET', `/backup/jobs/${jobId}/status`);

    // Assess
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'never_run');
    assert.equal(res.body.execution_id, null);
  });

  test('execute returns 202 with the queued run; the workflow completes it; status shows the result', async () => {
    // Prepare
    const jobId = await createJob();

    // Act
    const res = await api.call('POST', `/backup/jobs/${jobId}/execute`, FORCED_FULL);

    // Assess
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
  });

  test('execute with no body runs with defaults', async () => {
    // Prepare
    const jobId = await createJob();

    // Act
    const run = await runToEnd(jobId);

    // Assess
    assert.match(run.backup_id, /^backup_/);
  });

  test('GET /backup/files lists a job\'s backups newest first, each with the seed\'s fields and its type', async () => {
    // Prepare
    const { jobId, backups } = fixture;

    // Act
    const all = await api.call('GET', `/backup/files?job_id=${jobId}`);

    // Assess
    assert.equal(all.status, 200, all.text);
    assert.deepEqual(idsOf(all), [backups[1], backups[0]]);
    assert.equal(all.body.total, 2);
    const file = all.body.files[1];
    for (const key of ['backup_id', 'job_id', 'job_name', 'backup_type', 'file_path', 'file_size', 'compression_ratio', 'encryption', 'checksum', 'status', 'created_at', 'verified_at', 'retention_until']) {
      assert.ok(key in file, `file has ${key}`);
    }
    assert.equal(file.backup_type, 'full', 'force_full_backup');
    assert.equal(all.body.files[0].backup_type, 'incremental');
  });

  test('GET /backup/files filters by backup_type and status, and echoes the filters', async () => {
    // Prepare
    const { jobId, backups } = fixture;

    // Act
    const full = await api.call('GET', `/backup/files?job_id=${jobId}&backup_type=full&status=completed`);

    // Assess
    assert.deepEqual(idsOf(full), [backups[0]]);
    assert.deepEqual(full.body.filters, { job_id: jobId, backup_type: 'full', status: 'completed' });
  });

  test('GET /backup/files with a status no backup has lists nothing', async () => {
    // Act
    const failed = await api.call('GET', `/backup/files?job_id=${fixture.jobId}&status=failed`);

    // Assess
    assert.equal(failed.body.total, 0);
  });

  test('GET /backup/files filters by dates, across jobs', async () => {
    // Prepare
    const { jobId, backups, from, until } = fixture;

    // Act
    const since = await api.call('GET', `/backup/files?date_from=${from}&date_to=${until}&limit=1000`);
    const upTo = await api.call('GET', `/backup/files?job_id=${jobId}&date_to=${from}`);

    // Assess
    assert.deepEqual(idsOf(since), [backups[2], backups[1], backups[0]]);
    assert.deepEqual(idsOf(upTo), [backups[0]]);
  });

  test('GET /backup/files pages by offset, counting the total', async () => {
    // Prepare
    const { backups, from, until } = fixture;

    // Act
    const offset = await api.call('GET', `/backup/files?date_from=${from}&date_to=${until}&limit=1&offset=1`);

    // Assess
    assert.deepEqual(idsOf(offset), [backups[1]]);
    assert.equal(offset.body.total, 3);
  });

  test('GET /backup/files pages by cursor, visiting every backup once', async () => {
    // Prepare
    const { backups, from, until } = fixture;

    // Act
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { files: Array<{ backup_id: string }>; next_cursor: string | null } } = await api.call('GET', `/backup/files?date_from=${from}&date_to=${until}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...idsOf(page));
      cursor = page.body.next_cursor;
    } while (cursor);

    // Assess
    assert.deepEqual(seen, [backups[2], backups[1], backups[0]]);
  });

  test('GET /backup/files with a cursor that is not one is 422', async () => {
    // Act
    const wrongCursor = await api.call('GET', `/backup/files?job_id=${fixture.jobId}&cursor=${'a'.repeat(40)}`);

    // Assess
    assert.equal(wrongCursor.status, 422);
    assert.equal(wrongCursor.body.error, 'validation_failed');
  });

  test('GET /backup/backups/{id} reads one backup', async () => {
    // Prepare
    const backupId = fixture.backups[0]!;

    // Act
    const res = await api.call('GET', `/backup/backups/${backupId}`);

    // Assess
    assert.equal(res.status, 200);
    assert.equal(res.body.backup_id, backupId);
    assert.equal(res.body.status, 'completed');
    assert.equal(res.body.result.records, 200);
  });

  test('GET /backup/backups/{id} of an unknown backup is 404 with the seed body', async () => {
    // Act
    const missing = await api.call('GET', '/backup/backups/backup_01jd4x6f5e8q2v7c9w3k0m1n2p');

    // Assess
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.body, { error: 'backup_not_found', message: 'Backup not found', details: { backup_id: 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p' } });
  });

  test('a second execute while one runs is 409 and records nothing', async () => {
    // Prepare
    const jobId = await createJob();
    await api.cloud.catalog.acquireLease(jobId, 'exec_holder', 60);
    const before = (await api.cloud.catalog.listExecutions({ job_id: jobId })).items.length;

    // Act
    const res = await api.call('POST', `/backup/jobs/${jobId}/execute`, {});

    // Assess
    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'job_already_running');
    assert.equal(res.body.details.execution_id, 'exec_holder');
    assert.equal((await api.cloud.catalog.listExecutions({ job_id: jobId })).items.length, before);
  });

  test('a paused job is 409', async () => {
    // Prepare
    const jobId = await createJob();
    await api.call('PUT', `/backup/jobs/${jobId}`, { status: 'paused' });

    // Act
    const res = await api.call('POST', `/backup/jobs/${jobId}/execute`);

    // Assess
    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'job_paused');
  });

  test('execute of an unknown job is 404', async () => {
    // Act
    const res = await api.call('POST', '/backup/jobs/job_01jd4x6f5e8q2v7c9w3k0m1n2p/execute');

    // Assess
    assert.equal(res.status, 404);
  });

  test('the status of an unknown job is 404', async () => {
    // Act
    const res = await api.call('GET', '/backup/jobs/job_01jd4x6f5e8q2v7c9w3k0m1n2p/status');

    // Assess
    assert.equal(res.status, 404);
  });

  /** A job of its own and a run of it just started. */
  async function startedRun(): Promise<{ jobId: string; id: string }> {
    const jobId = await createJob({ backup_type: 'full' });
    const started = await api.call('POST', `/backup/jobs/${jobId}/execute`, {});
    assert.equal(started.status, 202, started.text);
    return { jobId, id: started.body.execution_id };
  }

  test('cancel stops the run, records it cancelled and frees the job', async () => {
    // Prepare
    const { jobId, id } = await startedRun();

    // Act
    const res = await api.call('POST', `/backup/executions/${id}/cancel`, { reason: 'test' });

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.status, 'cancelled');
    assert.deepEqual(res.body.error, { code: 'Cancelled', message: 'test' });
    const done = await api.cloud.workflows.wait(api.cloud.workflows.executionArn('backup', id));
    assert.notEqual(done.status, 'SUCCEEDED');
    assert.equal((await api.cloud.catalog.getExecution(id)).status, 'cancelled');
    await eventually(async () => ((await api.cloud.catalog.getJob(jobId)).lease_owner === undefined ? true : undefined), 10_000);
    const status = await api.call('GET', `/backup/jobs/${jobId}/status`);
    assert.equal(status.body.status, 'cancelled');
  });

  test('cancelling a cancelled run is 409', async () => {
    // Prepare
    const { id } = await startedRun();
    const first = await api.call('POST', `/backup/executions/${id}/cancel`, { reason: 'test' });
    assert.equal(first.status, 200, first.text);
    await api.cloud.workflows.wait(api.cloud.workflows.executionArn('backup', id));

    // Act
    const again = await api.call('POST', `/backup/executions/${id}/cancel`);

    // Assess
    assert.equal(again.status, 409);
    assert.equal(again.body.error, 'execution_not_running');
  });

  test('cancelling an unknown run is 404', async () => {
    // Act
    const res = await api.call('POST', '/backup/executions/exec_01jd4x6f5e8q2v7c9w3k0m1n2p/cancel');

    // Assess
    assert.equal(res.status, 404);
  });

  test('a job that is running cannot be deleted (409)', async () => {
    // Prepare
    const jobId = await createJob();
    await api.cloud.catalog.acquireLease(jobId, 'exec_holder', 60);

    // Act
    const res = await api.call('DELETE', `/backup/jobs/${jobId}`);

    // Assess
    assert.equal(res.status, 409);
    assert.equal(res.body.error, 'job_already_running');
  });
});
