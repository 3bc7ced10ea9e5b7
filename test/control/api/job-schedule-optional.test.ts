/**
 * On-demand jobs through the local API: a job created without a schedule
 * has no EventBridge schedule and `next_run: null`, runs on demand, and a
 * PUT adds a schedule (created in Scheduler) or removes it with
 * `schedule: null` (deleted from Scheduler).
 */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { jobScheduleName } from '../../../control/schedules/names.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import { uniqueName } from '../../helpers/names.js';
import { eventually, jobBody, scheduleNames, startApiFixture, type ApiFixture } from './support.js';

describe('API: jobs without a schedule', () => {
  let api: ApiFixture;
  const table = uniqueName('api-on-demand');
  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 5);
  });
  afterAll(() => api.close());

  /** Creates a job without a schedule; returns its id. */
  async function onDemandJob(): Promise<string> {
    const { schedule: _none, ...body } = jobBody(table);
    const res = await api.call('POST', '/backup/jobs', body);
    assert.equal(res.status, 201, res.text);
    return res.body.job_id;
  }

  test('POST without a schedule creates an on-demand job: schedule and next_run null, no EventBridge schedule', async () => {
    // Prepare
    const { schedule: _none, ...body } = jobBody(table);

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 201, res.text);
    assert.equal(res.body.schedule, null);
    assert.equal(res.body.next_run, null);
    assert.ok(!(await scheduleNames(api)).includes(jobScheduleName(res.body.job_id)));
  });

  test('an on-demand job runs on demand to completion, and its next_run stays null', async () => {
    // Prepare
    const jobId = await onDemandJob();

    // Act
    const run = await api.call('POST', `/backup/jobs/${jobId}/execute`);
    const status = await eventually(async () => {
      const res = await api.call('GET', `/backup/jobs/${jobId}/status`);
      return ['completed', 'failed', 'cancelled'].includes(res.body.status) ? res.body : undefined;
    });

    // Assess
    assert.equal(run.status, 202, run.text);
    assert.equal(status.status, 'completed', JSON.stringify(status));
    // Finalize records the run on the job just after it completes the backup.
    const job = await eventually(async () => {
      const res = await api.call('GET', `/backup/jobs/${jobId}`);
      return res.body.last_run ? res.body : undefined;
    });
    assert.equal(job.next_run, null);
  });

  test('PUT with a schedule gives an on-demand job its EventBridge schedule and a next_run', async () => {
    // Prepare
    const jobId = await onDemandJob();

    // Act
    const res = await api.call('PUT', `/backup/jobs/${jobId}`, { schedule: { frequency: 'daily', time: '03:00', timezone: 'UTC' } });

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.schedule.frequency, 'daily');
    assert.match(res.body.next_run, /T03:00:00\.000Z$/);
    assert.ok((await scheduleNames(api)).includes(jobScheduleName(jobId)));
  });

  test('PUT schedule: null makes a scheduled job on demand: its EventBridge schedule is deleted, next_run null', async () => {
    // Prepare
    const created = await api.call('POST', '/backup/jobs', jobBody(table, { schedule: { frequency: 'daily', time: '04:00', timezone: 'UTC' } }));
    assert.equal(created.status, 201, created.text);
    const jobId = created.body.job_id;
    assert.ok((await scheduleNames(api)).includes(jobScheduleName(jobId)));

    // Act
    const res = await api.call('PUT', `/backup/jobs/${jobId}`, { schedule: null });

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.schedule, null);
    assert.equal(res.body.next_run, null);
    assert.ok(!(await scheduleNames(api)).includes(jobScheduleName(jobId)));
    assert.equal((await api.call('GET', `/backup/jobs/${jobId}`)).body.schedule, null);
  });
});
