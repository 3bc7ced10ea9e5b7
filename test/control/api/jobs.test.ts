/** Jobs through the local API over HTTP: create, read, list (every filter, offset and cursor paging), update, delete. */
import { afterAll, beforeAll, describe, test } from 'vitest';
import assert from 'node:assert/strict';
import { GetScheduleCommand } from '@aws-sdk/client-scheduler';
import { schedulerClient } from '../../../vault/aws/clients.js';
import { SCHEDULE_ENV } from '../../../control/schedules/env.js';
import { jobScheduleName } from '../../../control/schedules/names.js';
import { HAVEN_ENTRY_METADATA } from '../../../infra/constructs/haven-function.js';
import { seedTable } from '../../../local/demo/seed-data.js';
import type { CfnTemplate } from '../../../local/cloud/template-types.js';
import { uniqueName } from '../../helpers/names.js';
import { jobBody, scheduleNames, startApiFixture, type ApiFixture } from './support.js';

/**
 * Sets variables of the API function's environment in the template.
 *
 * @returns how many functions were edited (a test asserts 1)
 */
function setApiEnvironment(template: CfnTemplate, variables: Record<string, string>): number {
  let edited = 0;
  for (const r of Object.values(template.Resources)) {
    const entry = r.Metadata?.[HAVEN_ENTRY_METADATA] as { path?: string } | undefined;
    if (r.Type !== 'AWS::Lambda::Function' || !entry?.path?.endsWith('ApiFunction/Function')) continue;
    Object.assign((r.Properties!.Environment as { Variables: Record<string, unknown> }).Variables, variables);
    edited++;
  }
  return edited;
}

describe('API: jobs', () => {
  let api: ApiFixture;
  const table = uniqueName('api-jobs');
  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 10);
  });
  afterAll(() => api.close());

  test('GET /health answers with the version and a request id', async () => {
    // Act
    const res = await api.call('GET', '/health');

    // Assess
    assert.equal(res.status, 200);
    assert.equal(res.body.status, 'healthy');
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/);
  });

  test('POST /backup/jobs creates a job (201) with the seed fields and defaults', async () => {
    // Prepare
    const body = jobBody(table);

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 201, res.text);
    const job = res.body;
    assert.match(job.job_id, /^job_[0-9a-z]{26}$/);
    assert.equal(job.status, 'active');
    assert.equal(job.last_run, null);
    assert.deepEqual([job.destination.type, job.destination.bucket], ['vault', api.cloud.bucket], "the stack's own vault");
    assert.equal(job.encryption.enabled, true);
    assert.equal(job.created_by, 'admin_1');
    assert.equal(job.lease_owner, undefined);
    assert.deepEqual(await api.cloud.catalog.getJob(job.job_id).then((j) => j.job_name), job.job_name);
  });

  test('GET /backup/jobs/{id} reads a created job back as created', async () => {
    // Prepare
    const created = await api.call('POST', '/backup/jobs', jobBody(table));
    assert.equal(created.status, 201, created.text);

    // Act
    const read = await api.call('GET', `/backup/jobs/${created.body.job_id}`);

    // Assess
    assert.equal(read.status, 200);
    assert.deepEqual(read.body, created.body);
  });

  const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:haven/orders-db-AbCdEf';

  test('a PostgreSQL job names its secret and table globs (any of the seed\'s type names); the secret ARN is echoed', async () => {
    for (const type of ['postgresql', 'database']) {
      // Prepare
      const source = { type, secret_arn: SECRET_ARN, schemas: ['public'], tables: ['orders*'], exclude_tables: ['temp_*'], rows_per_partition: 50_000 };

      // Act
      const res = await api.call('POST', '/backup/jobs', { ...jobBody(table), source });

      // Assess
      assert.equal(res.status, 201, res.text);
      assert.deepEqual(res.body.source, source);
    }
  });

  test('a PostgreSQL job with a connection string is refused (422), the connection string never echoed', async () => {
    // Prepare
    const source = { type: 'postgresql', secret_arn: SECRET_ARN, connection_string: 'postgres://u:p@h/db' };

    // Act
    const bad = await api.call('POST', '/backup/jobs', { ...jobBody(table), source });

    // Assess
    assert.equal(bad.status, 422, bad.text);
    assert.ok(!bad.text.includes('u:p@h'), 'the connection string is not echoed');
  });

  const WEEKLY_TORONTO = { frequency: 'weekly', day_of_week: 'monday', time: '02:30', timezone: 'America/Toronto', enabled: true };

  /** A job created with the weekly Toronto schedule, and its schedule's name and group. */
  async function scheduledJob(): Promise<{ job: { job_id: string }; name: string; group: string }> {
    const res = await api.call('POST', '/backup/jobs', jobBody(table, { schedule: WEEKLY_TORONTO }));
    assert.equal(res.status, 201, res.text);
    return { job: res.body, name: jobScheduleName(res.body.job_id), group: api.cloud.output('ScheduleGroupName') };
  }

  test('a scheduled job gets next_run and an EventBridge Scheduler schedule', async () => {
    // Act
    const res = await api.call('POST', '/backup/jobs', jobBody(table, { schedule: WEEKLY_TORONTO }));

    // Assess
    assert.equal(res.status, 201, res.text);
    const job = res.body;
    assert.equal(job.schedule.timezone, 'America/Toronto');
    const next = new Date(job.next_run);
    assert.ok(next.getTime() > Date.now(), 'next_run is ahead');
    const local = new Intl.DateTimeFormat('en-US', { timeZone: 'America/Toronto', weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(next);
    assert.equal(local, 'Monday 02:30');
    const name = jobScheduleName(job.job_id);
    assert.ok((await scheduleNames(api)).includes(name), 'the job has a schedule in the group');
    const described = await schedulerClient().send(new GetScheduleCommand({ Name: name, GroupName: api.cloud.output('ScheduleGroupName') }));
    assert.equal(described.State, 'ENABLED');
    assert.equal(described.ScheduleExpressionTimezone, 'America/Toronto');
  });

  test('pausing a scheduled job clears next_run and disables its schedule', async () => {
    // Prepare
    const { job, name, group } = await scheduledJob();

    // Act
    const paused = await api.call('PUT', `/backup/jobs/${job.job_id}`, { status: 'paused' });

    // Assess
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.body.next_run, null);
    assert.equal((await schedulerClient().send(new GetScheduleCommand({ Name: name, GroupName: group }))).State, 'DISABLED');
  });

  test('resuming a paused job with a new schedule enables its schedule with the new expression', async () => {
    // Prepare
    const { job, name, group } = await scheduledJob();
    const paused = await api.call('PUT', `/backup/jobs/${job.job_id}`, { status: 'paused' });
    assert.equal(paused.status, 200, paused.text);

    // Act
    const resumed = await api.call('PUT', `/backup/jobs/${job.job_id}`, { status: 'active', schedule: { frequency: 'cron', expression: 'cron(15 3 * * ? *)', timezone: 'UTC' } });

    // Assess
    assert.equal(resumed.status, 200, resumed.text);
    assert.match(resumed.body.next_run, /T03:15:00\.000Z$/);
    const updated = await schedulerClient().send(new GetScheduleCommand({ Name: name, GroupName: group }));
    assert.equal(updated.State, 'ENABLED');
    assert.equal(updated.ScheduleExpression, 'cron(15 3 * * ? *)');
  });

  test('deleting a scheduled job removes its schedule', async () => {
    // Prepare
    const { job, name } = await scheduledJob();

    // Act
    const deleted = await api.call('DELETE', `/backup/jobs/${job.job_id}`);

    // Assess
    assert.equal(deleted.status, 204);
    assert.ok(!(await scheduleNames(api)).includes(name), 'the schedule is gone');
  });

  test('created_by defaults to the caller', async () => {
    // Prepare
    const body = jobBody(table);
    delete body.created_by;

    // Act
    const res = await api.call('POST', '/backup/jobs', body);

    // Assess
    assert.equal(res.status, 201);
    assert.equal(res.body.created_by, 'local');
  });

  /**
   * Five jobs created one after another from `start` (this test's own: the
   * lists below start at `start`), alternately full and differential; the
   * first is paused.
   */
  async function fiveJobs(): Promise<{ start: string; from: string; ids: string[] }> {
    const start = new Date().toISOString();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api.call('POST', '/backup/jobs', jobBody(table, { job_name: `page ${i}`, backup_type: i % 2 === 0 ? 'full' : 'differential' }));
      assert.equal(res.status, 201, res.text);
      ids.push(res.body.job_id);
    }
    const paused = await api.call('PUT', `/backup/jobs/${ids[0]}`, { status: 'paused' });
    assert.equal(paused.status, 200, paused.text);
    assert.equal(paused.body.status, 'paused');
    return { start, from: encodeURIComponent(start), ids };
  }

  test('GET /backup/jobs filters by dates, newest first', async () => {
    // Prepare
    const { start, from, ids } = await fiveJobs();

    // Act
    const inRange = await api.call('GET', `/backup/jobs?date_from=${from}&limit=1000`);
    const before = await api.call('GET', `/backup/jobs?date_to=${from}&date_from=${from}`);

    // Assess
    assert.equal(inRange.status, 200, inRange.text);
    assert.deepEqual(inRange.body.jobs.map((j: { job_id: string }) => j.job_id), [...ids].reverse(), 'newest first, only those in range');
    assert.equal(inRange.body.total, 5);
    assert.deepEqual(inRange.body.filters, { date_from: start });
    assert.equal(before.body.total, 0);
  });

  test('GET /backup/jobs filters by backup_type', async () => {
    // Prepare
    const { from, ids } = await fiveJobs();

    // Act
    const full = await api.call('GET', `/backup/jobs?backup_type=full&date_from=${from}`);

    // Assess
    assert.deepEqual(full.body.jobs.map((j: { job_id: string }) => j.job_id), [ids[4], ids[2], ids[0]]);
  });

  test('GET /backup/jobs filters by status', async () => {
    // Prepare
    const { from, ids } = await fiveJobs();

    // Act
    const pausedOnly = await api.call('GET', `/backup/jobs?status=paused&date_from=${from}`);

    // Assess
    assert.deepEqual(pausedOnly.body.jobs.map((j: { job_id: string }) => j.job_id), [ids[0]]);
  });

  test('GET /backup/jobs pages by offset', async () => {
    // Prepare
    const { from, ids } = await fiveJobs();

    // Act
    const offsetPage = await api.call('GET', `/backup/jobs?date_from=${from}&limit=2&offset=2`);

    // Assess
    assert.deepEqual(offsetPage.body.jobs.map((j: { job_id: string }) => j.job_id), [ids[2], ids[1]]);
    assert.equal(offsetPage.body.limit, 2);
    assert.equal(offsetPage.body.offset, 2);
  });

  test('GET /backup/jobs pages by cursor, visiting every job once', async () => {
    // Prepare
    const { from, ids } = await fiveJobs();

    // Act
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { jobs: Array<{ job_id: string }>; next_cursor: string | null } } = await api.call('GET', `/backup/jobs?date_from=${from}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.jobs.map((j) => j.job_id));
      cursor = page.body.next_cursor;
    } while (cursor);

    // Assess
    assert.deepEqual(seen, [...ids].reverse(), 'cursor paging visits every job once');
  });

  test('PUT changes only the fields given', async () => {
    // Prepare
    const created = (await api.call('POST', '/backup/jobs', jobBody(table))).body;

    // Act
    const res = await api.call('PUT', `/backup/jobs/${created.job_id}`, { job_name: 'renamed', retention: { days: 7 } });

    // Assess
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.job_name, 'renamed');
    assert.deepEqual(res.body.retention, { days: 7 });
    assert.deepEqual(res.body.source, created.source);
  });

  test('DELETE removes the job (204), then it is 404', async () => {
    // Prepare
    const created = (await api.call('POST', '/backup/jobs', jobBody(table))).body;

    // Act
    const deleted = await api.call('DELETE', `/backup/jobs/${created.job_id}`);

    // Assess
    assert.equal(deleted.status, 204);
    assert.ok(deleted.headers['x-request-id']);
    const gone = await api.call('GET', `/backup/jobs/${created.job_id}`);
    assert.equal(gone.status, 404);
    assert.deepEqual(gone.body, { error: 'job_not_found', message: 'Job not found', details: { job_id: created.job_id } });
  });

  test('DELETE or PUT of a deleted job is 404', async () => {
    // Prepare
    const created = (await api.call('POST', '/backup/jobs', jobBody(table))).body;
    assert.equal((await api.call('DELETE', `/backup/jobs/${created.job_id}`)).status, 204);

    // Act
    const deletedAgain = await api.call('DELETE', `/backup/jobs/${created.job_id}`);
    const updated = await api.call('PUT', `/backup/jobs/${created.job_id}`, { job_name: 'x' });

    // Assess
    assert.equal(deletedAgain.status, 404);
    assert.equal(updated.status, 404);
  });
});

describe('API: jobs whose schedule cannot be synced', () => {
  let api: ApiFixture;
  const table = uniqueName('api-jobs');
  let edited = 0;
  beforeAll(async () => {
    // The API function told to keep schedules in a group that does not exist (a misconfigured deployment):
    // its role may manage schedules only in the template's group, so IAM refuses CreateSchedule (a real fault, not a mock).
    api = await startApiFixture({ sourceTables: [table], editTemplate: (template) => void (edited = setApiEnvironment(template, { [SCHEDULE_ENV.groupName]: 'no-such-group' })) });
    await seedTable(table, 10);
  });
  afterAll(() => api.close());

  test('a job whose schedule cannot be synced is not created (503, nothing left in the catalog)', async () => {
    // Prepare
    assert.equal(edited, 1, 'the template has one API function');
    const before = (await api.cloud.catalog.listJobs({ limit: 1000 })).items.length;

    // Act
    const res = await api.call('POST', '/backup/jobs', jobBody(table, { schedule: { frequency: 'daily', time: '01:00' } }));

    // Assess
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.error, 'service_unavailable');
    assert.ok(api.cloud.denials.some((d) => d.decision.denied?.request.action === 'scheduler:CreateSchedule'), 'the schedule was refused');
    assert.equal((await api.cloud.catalog.listJobs({ limit: 1000 })).items.length, before);
  });
});
