import { test } from 'vitest';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { CreateScheduleGroupCommand, ListSchedulesCommand } from '@aws-sdk/client-scheduler';
import { schedulerClient } from '../../../vault/aws/clients.js';
import { JobStatus } from '../../../control/catalog/types.js';
import { jobScheduleName, schedulePort, ScheduleError, SchedulerSync, TARGET_RETRY_POLICY } from '../../../control/schedules/index.js';

const groupName = `haven-test-${randomBytes(4).toString('hex')}`;
await schedulerClient().send(new CreateScheduleGroupCommand({ Name: groupName }));
const stateMachineArn = 'arn:aws:states:us-east-1:000000000000:stateMachine:haven-backup';
const roleArn = 'arn:aws:iam::000000000000:role/haven-scheduler';
const sync = new SchedulerSync({ groupName, stateMachineArn, roleArn });
const seedSchedule = { frequency: 'daily', time: '02:00', timezone: 'America/Toronto', enabled: true };
const jobId = () => `job_${randomBytes(8).toString('hex')}`;

test('upsert creates the job schedule in the group: expression, time zone, state, target input, window, retries', async () => {
  // Prepare
  const id = jobId();

  // Act
  const result = await sync.upsert({ job_id: id, job_name: 'Daily orders', schedule: seedSchedule, status: JobStatus.Active });

  // Assess
  assert.deepEqual({ name: result.name, created: result.created, state: result.state }, { name: `haven-job-${id}`, created: true, state: 'ENABLED' });
  const got = await sync.get(id);
  assert.ok(got);
  assert.equal(got.Name, `haven-job-${id}`);
  assert.equal(got.GroupName, groupName);
  assert.equal(got.ScheduleExpression, 'cron(0 2 * * ? *)');
  assert.equal(got.ScheduleExpressionTimezone, 'America/Toronto');
  assert.equal(got.State, 'ENABLED');
  assert.deepEqual(got.FlexibleTimeWindow, { Mode: 'OFF' });
  assert.equal(got.Target?.Arn, stateMachineArn);
  assert.equal(got.Target?.RoleArn, roleArn);
  assert.deepEqual(JSON.parse(got.Target?.Input ?? ''), { job_id: id, trigger: 'schedule' });
  assert.deepEqual(got.Target?.RetryPolicy, TARGET_RETRY_POLICY);
  assert.match(got.Description ?? '', /Daily orders/);
});

test('upsert again updates in place (ConflictException on create → update)', async () => {
  // Prepare
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: seedSchedule });

  // Act
  const updated = await sync.upsert({ job_id: id, schedule: { frequency: 'weekly', day_of_week: 'monday', time: '03:30', timezone: 'Europe/Paris', enabled: true, flexible_window_minutes: 30 } });

  // Assess
  assert.equal(updated.created, false);
  const got = await sync.get(id);
  assert.equal(got?.ScheduleExpression, 'cron(30 3 ? * MON *)');
  assert.equal(got?.ScheduleExpressionTimezone, 'Europe/Paris');
  assert.deepEqual(got?.FlexibleTimeWindow, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 30 });
  const listed = await schedulerClient().send(new ListSchedulesCommand({ GroupName: groupName, NamePrefix: `haven-job-${id}` }));
  assert.equal(listed.Schedules?.filter((s) => s.Name === `haven-job-${id}`).length, 1, 'still one schedule');
});

test('disabling a schedule gives State DISABLED and keeps its expression', async () => {
  // Prepare
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: seedSchedule });

  // Act
  const disabled = await sync.upsert({ job_id: id, schedule: { ...seedSchedule, enabled: false } });

  // Assess
  assert.equal(disabled.state, 'DISABLED');
  const got = await sync.get(id);
  assert.equal(got?.State, 'DISABLED');
  assert.equal(got?.ScheduleExpression, 'cron(0 2 * * ? *)');
});

test('enabling a disabled schedule gives State ENABLED', async () => {
  // Prepare
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: { ...seedSchedule, enabled: false } });

  // Act
  await sync.upsert({ job_id: id, schedule: seedSchedule });

  // Assess
  assert.equal((await sync.get(id))?.State, 'ENABLED');
});

test('a paused job\'s schedule is DISABLED', async () => {
  // Prepare
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: seedSchedule });

  // Act
  await sync.upsert({ job_id: id, schedule: seedSchedule, status: JobStatus.Paused });

  // Assess
  assert.equal((await sync.get(id))?.State, 'DISABLED', 'a paused job does not run');
});

test('upsert writes a rate expression as given', async () => {
  // Prepare
  const id = jobId();

  // Act
  await sync.upsert({ job_id: id, schedule: { frequency: 'rate(6 hours)', enabled: true } });

  // Assess
  assert.equal((await sync.get(id))?.ScheduleExpression, 'rate(6 hours)');
});

test('remove deletes the schedule', async () => {
  // Prepare
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: { frequency: 'rate(6 hours)', enabled: true } });

  // Act
  const removed = await sync.remove(id);

  // Assess
  assert.equal(removed, true);
  assert.equal(await sync.get(id), undefined);
});

test('removing again, or removing for a job that never had a schedule, is fine', async () => {
  // Prepare
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: { frequency: 'rate(6 hours)', enabled: true } });
  await sync.remove(id);

  // Act
  const again = await sync.remove(id);
  const never = await sync.remove(jobId());

  // Assess
  assert.equal(again, false);
  assert.equal(never, false);
});

test('an invalid schedule is a ScheduleError and writes nothing', async () => {
  // Prepare
  const id = jobId();

  // Act
  const upsert = () => sync.upsert({ job_id: id, schedule: { frequency: 'daily', time: '25:00', enabled: true } });

  // Assess
  await assert.rejects(upsert, (error: unknown) => error instanceof ScheduleError && error.details.field === 'schedule.time');
  assert.equal(await sync.get(id), undefined);
});

test('schedule names fit Scheduler: haven-job-<job_id>', () => {
  // Act
  const name = jobScheduleName('job_01hq3k5v8x9y2z4a6b8c0d2e4f');

  // Assess
  assert.equal(name, 'haven-job-job_01hq3k5v8x9y2z4a6b8c0d2e4f');
});

test('schedule names fit Scheduler: hashed, stably and distinctly, when the id cannot fit', () => {
  // Act
  const long = jobScheduleName('x'.repeat(80));
  const spaces = [jobScheduleName('job with spaces'), jobScheduleName('job with spaces'), jobScheduleName('job with space')];
  const slash = jobScheduleName('job/slash');

  // Assess
  assert.match(long, /^haven-job-[0-9a-f]{40}$/);
  assert.ok(long.length <= 64);
  assert.equal(spaces[0], spaces[1]);
  assert.notEqual(spaces[0], spaces[2]);
  assert.match(slash, /^haven-job-[0-9a-f]{40}$/);
});

test('the port validates a schedule', () => {
  // Prepare
  const port = schedulePort(sync);

  // Act
  const valid = port.validate(seedSchedule);

  // Assess
  assert.equal(valid.expression, 'cron(0 2 * * ? *)');
});

test('the port computes next_run, for a schedule and for an active job', () => {
  // Prepare
  const port = schedulePort(sync);
  const now = new Date('2024-01-15T12:30:00Z');

  // Act
  const forSchedule = port.nextRun(seedSchedule, now);
  const forJob = port.jobNextRun({ schedule: seedSchedule, status: JobStatus.Active }, now);

  // Assess
  assert.equal(forSchedule?.toISOString(), '2024-01-16T07:00:00.000Z');
  assert.equal(forJob?.toISOString(), '2024-01-16T07:00:00.000Z');
});

test('the port gives a paused job no next_run', () => {
  // Prepare
  const port = schedulePort(sync);

  // Act
  const next = port.jobNextRun({ schedule: seedSchedule, status: JobStatus.Paused }, new Date('2024-01-15T12:30:00Z'));

  // Assess
  assert.equal(next, null, 'a paused job has no next run');
});

test('the port refuses a paused job\'s invalid schedule', () => {
  // Prepare
  const port = schedulePort(sync);

  // Act
  const next = () => port.jobNextRun({ schedule: { ...seedSchedule, time: '24:00' }, status: JobStatus.Paused }, new Date());

  // Assess
  assert.throws(next, ScheduleError);
});

test('the port syncs: upsert creates the schedule, remove deletes it', async () => {
  // Prepare
  const port = schedulePort(sync);
  const id = jobId();

  // Act
  const upserted = await port.upsert({ job_id: id, schedule: seedSchedule });
  const removed = await port.remove(id);

  // Assess
  assert.equal(upserted.created, true);
  assert.equal(removed, true);
});

test('an update that finds the schedule deleted meanwhile creates it again', async () => {
  // Prepare
  // Races a concurrent remove against moto: the wrapper deletes the schedule just before the first UpdateSchedule is sent.
  const real = schedulerClient();
  let raced = false;
  const racing = {
    send: async (command: { constructor: { name: string } }) => {
      if (command.constructor.name === 'UpdateScheduleCommand' && !raced) {
        raced = true;
        await sync.remove(id);
      }
      return real.send(command as never);
    },
  };
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: seedSchedule });
  const racingSync = new SchedulerSync({ groupName, stateMachineArn, roleArn, client: racing as never });

  // Act
  const result = await racingSync.upsert({ job_id: id, schedule: { ...seedSchedule, time: '04:00' } });

  // Assess
  assert.ok(raced);
  assert.equal(result.created, true);
  assert.equal((await sync.get(id))?.ScheduleExpression, 'cron(0 4 * * ? *)');
});
