/**
 * The local cloud's scheduler: job schedules the API function creates in the
 * emulator's Scheduler group fire on a test clock, each starting the backup
 * state machine with the schedule's input, signed as the schedule's role
 * (so IAM authorizes the start against the template's policy).
 */
import { afterAll, beforeAll, describe, test, type TestContext } from 'vitest';
import assert from 'node:assert/strict';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from '../../vault/aws/clients.js';
import { SCHEDULE_ENV } from '../../control/schedules/env.js';
import { jobScheduleName } from '../../control/schedules/names.js';
import { HAVEN_ENTRY_METADATA } from '../../infra/constructs/haven-function.js';
import type { CloudScheduler, ScheduledStart } from '../../local/cloud/scheduler.js';
import type { CfnTemplate } from '../../local/cloud/template-types.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { jobBody, startApiFixture, type ApiFixture } from '../control/api/support.js';
import { uniqueName } from '../helpers/names.js';
import { removeAction } from '../helpers/template-edit.js';

const TORONTO = { frequency: 'daily', time: '02:30', timezone: 'America/Toronto', enabled: true };

/** A scheduler on a clock the test sets. */
function scheduledAt(api: ApiFixture, iso: string): { scheduler: CloudScheduler; errors: unknown[]; setNow(iso: string): void } {
  let now = new Date(iso);
  const errors: unknown[] = [];
  const scheduler = api.cloud.scheduler({ clock: { now: () => now }, onError: (error) => errors.push(error) });
  return { scheduler, errors, setNow: (next) => (now = new Date(next)) };
}

/**
 * Creates a job through the API (which creates its schedule); returns its id.
 * The job (and so its schedule) is deleted after the test, so no later test's scheduler sees it due.
 */
async function createJob(t: TestContext, api: ApiFixture, table: string, schedule: Record<string, unknown>): Promise<string> {
  const res = await api.call('POST', '/backup/jobs', jobBody(table, { schedule }));
  assert.equal(res.status, 201, res.text);
  const jobId: string = res.body.job_id;
  t.onTestFinished(async () => void (await api.call('DELETE', `/backup/jobs/${jobId}`)));
  return jobId;
}

/** The starts of one job's schedule (the template's system schedules share the group). */
const startsOf = (jobId: string, started: ScheduledStart[]) => started.filter((s) => s.schedule === jobScheduleName(jobId));

describe('local cloud scheduler', () => {
  let api: ApiFixture;
  const table = uniqueName('scheduled');

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table] });
    await seedTable(table, 20);
  });
  afterAll(() => api.close());

  test('a due enabled job schedule starts the backup once, with the scheduler input; the run is recorded as scheduled', async (t) => {
    // Prepare
    const { scheduler, errors, setNow } = scheduledAt(api, '2026-03-07T06:00:00Z');
    const jobId = await createJob(t, api, table, TORONTO);
    assert.deepEqual(startsOf(jobId, await scheduler.tick()), [], 'nothing is due yet');
    assert.equal(scheduler.nextFire(jobScheduleName(jobId))?.toISOString(), '2026-03-07T07:30:00.000Z');
    setNow('2026-03-07T07:29:59Z');
    assert.deepEqual(startsOf(jobId, await scheduler.tick()), []);

    // Act
    setNow('2026-03-07T07:30:20Z');
    const started = startsOf(jobId, await scheduler.tick());
    const again = startsOf(jobId, await scheduler.tick());

    // Assess
    assert.deepEqual(errors, []);
    assert.equal(started.length, 1);
    assert.equal(started[0]!.scheduled_for.toISOString(), '2026-03-07T07:30:00.000Z');
    assert.equal(started[0]!.stateMachineArn, api.cloud.workflows.stateMachineArn('backup'));
    assert.deepEqual(started[0]!.input, { job_id: jobId, trigger: 'schedule' });
    assert.deepEqual(again, [], 'a run fires once');
    const execution = await api.cloud.workflows.wait(started[0]!.executionArn);
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await api.cloud.catalog.listExecutions({ job_id: jobId })).items[0]!;
    assert.equal(record.trigger, 'schedule');
    assert.equal(record.status, 'completed');
    const ran = await api.cloud.catalog.getJob(jobId);
    assert.equal(ran.last_run, record.started_at);
    assert.ok(ran.next_run && Date.parse(ran.next_run) > Date.parse(record.started_at), 'finalize moves next_run past the run');
    assert.equal(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Toronto', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ran.next_run)), TORONTO.time);
  });

  test('a disabled schedule and a paused job\'s schedule never fire', async (t) => {
    // Prepare
    const { scheduler, errors, setNow } = scheduledAt(api, '2026-03-07T06:00:00Z');
    const disabled = await createJob(t, api, table, { ...TORONTO, enabled: false });
    const paused = await createJob(t, api, table, TORONTO);
    const pause = await api.call('PUT', `/backup/jobs/${paused}`, { status: 'paused' });
    assert.equal(pause.status, 200, pause.text);

    // Act
    const started = [...(await scheduler.tick())];
    setNow('2026-03-07T07:30:20Z');
    started.push(...(await scheduler.tick()));

    // Assess
    assert.deepEqual(errors, []);
    assert.deepEqual([...startsOf(disabled, started), ...startsOf(paused, started)], []);
    assert.equal(scheduler.nextFire(jobScheduleName(disabled)), undefined);
    assert.equal(scheduler.nextFire(jobScheduleName(paused)), undefined);
    for (const jobId of [disabled, paused]) assert.deepEqual((await api.cloud.catalog.listExecutions({ job_id: jobId })).items, [], `${jobId} never ran`);
  });

  test('a daily schedule whose time daylight saving skips next fires the day after', async (t) => {
    // Prepare
    const { scheduler } = scheduledAt(api, '2026-03-07T08:00:00Z');
    const jobId = await createJob(t, api, table, TORONTO);

    // Act
    await scheduler.tick();

    // Assess: 02:30 does not exist in Toronto on 8 March 2026 (spring forward): the 9th's.
    assert.equal(scheduler.nextFire(jobScheduleName(jobId))?.toISOString(), '2026-03-09T06:30:00.000Z');
  });

  /** A job on a rate(10 minutes) schedule, seen by a scheduler whose clock reads 2026-04-01T00:00Z (next fire 00:10). */
  async function rateJob(t: TestContext) {
    const clock = scheduledAt(api, '2026-04-01T00:00:00Z');
    const jobId = await createJob(t, api, table, { frequency: 'rate', expression: 'rate(10 minutes)' });
    const name = jobScheduleName(jobId);
    await clock.scheduler.tick();
    assert.equal(clock.scheduler.nextFire(name)?.toISOString(), '2026-04-01T00:10:00.000Z');
    return { ...clock, jobId, name };
  }

  test('a rate schedule fires once after missed intervals (no backfill)', async (t) => {
    // Prepare
    const { scheduler, errors, setNow, jobId, name } = await rateJob(t);

    // Act: three intervals missed
    setNow('2026-04-01T00:35:00Z');
    const started = startsOf(jobId, await scheduler.tick());

    // Assess
    assert.deepEqual(errors, []);
    assert.equal(started.length, 1);
    assert.equal(scheduler.nextFire(name)?.toISOString(), '2026-04-01T00:40:00.000Z');
    assert.equal((await api.cloud.workflows.wait(started[0]!.executionArn)).status, 'SUCCEEDED');
  });

  test('a schedule edited through the API restarts from now on the next tick', async (t) => {
    // Prepare
    const { scheduler, errors, setNow, jobId, name } = await rateJob(t);
    setNow('2026-04-01T00:05:00Z');

    // Act
    const edited = await api.call('PUT', `/backup/jobs/${jobId}`, { schedule: { frequency: 'rate', expression: 'rate(1 hour)' } });
    await scheduler.tick();

    // Assess
    assert.equal(edited.status, 200, edited.text);
    assert.equal(scheduler.nextFire(name)?.toISOString(), '2026-04-01T01:05:00.000Z', 'a changed schedule restarts from now');
    assert.deepEqual(errors, []);
  });

  test('a schedule disabled through the API stops firing on the next tick', async (t) => {
    // Prepare
    const { scheduler, errors, setNow, jobId, name } = await rateJob(t);

    // Act: disabled through the API, then past its next run
    const disabled = await api.call('PUT', `/backup/jobs/${jobId}`, { schedule: { frequency: 'rate', expression: 'rate(10 minutes)', enabled: false } });
    setNow('2026-04-01T00:35:00Z');
    const started = startsOf(jobId, await scheduler.tick());

    // Assess
    assert.equal(disabled.status, 200, disabled.text);
    assert.deepEqual(started, []);
    assert.equal(scheduler.nextFire(name), undefined);
    assert.deepEqual(errors, []);
  });
});

/** The logical id of the role job schedules run as (the one the API function writes into them). */
function jobScheduleRole(template: CfnTemplate): string {
  const api = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function' && (r.Metadata?.[HAVEN_ENTRY_METADATA] as { path?: string } | undefined)?.path?.endsWith('ApiFunction/Function'));
  assert.equal(api.length, 1, 'the template has one API function');
  const roleArn = (api[0]!.Properties!.Environment as { Variables: Record<string, unknown> }).Variables[SCHEDULE_ENV.roleArn] as { 'Fn::GetAtt': [string, string] };
  return roleArn['Fn::GetAtt'][0];
}

describe('local cloud scheduler: a schedule role without states:StartExecution', () => {
  let api: ApiFixture;
  const table = uniqueName('scheduled');
  let removed = 0;

  beforeAll(async () => {
    api = await startApiFixture({ sourceTables: [table], editTemplate: (template) => void (removed = removeAction(template, jobScheduleRole(template), 'states:StartExecution')) });
    await seedTable(table, 5);
  });
  afterAll(() => api.close());

  test('a due schedule fails to start, and nothing starts', async (t) => {
    // Prepare
    assert.ok(removed > 0, 'the template granted states:StartExecution to the schedule role');
    const { scheduler, errors, setNow } = scheduledAt(api, '2026-03-07T06:00:00Z');
    const jobId = await createJob(t, api, table, TORONTO);
    await scheduler.tick();

    // Act
    setNow('2026-03-07T07:30:20Z');
    const started = await scheduler.tick();

    // Assess
    assert.deepEqual(startsOf(jobId, started), []);
    assert.equal(errors.length, 1, errors.map(String).join('\n'));
    assert.ok(api.cloud.denials.some((d) => d.decision.denied?.request.action === 'states:StartExecution'), 'IAM denied the start');
    const executions = await sfnClient().send(new ListExecutionsCommand({ stateMachineArn: api.cloud.workflows.stateMachineArn('backup') }));
    assert.deepEqual(executions.executions ?? [], [], 'the backup state machine never ran');
    assert.deepEqual((await api.cloud.catalog.listExecutions({ job_id: jobId })).items, []);
  });
});
