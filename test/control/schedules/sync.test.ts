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
  const id = jobId();
  const result = await sync.upsert({ job_id: id, job_name: 'Daily orders', schedule: seedSchedule, status: JobStatus.Active });
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

test('upsert again updates in place (ConflictException on create → update); disabling gives State DISABLED', async () => {
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: seedSchedule });
  const updated = await sync.upsert({ job_id: id, schedule: { frequency: 'weekly', day_of_week: 'monday', time: '03:30', timezone: 'Europe/Paris', enabled: true, flexible_window_minutes: 30 } });
  assert.equal(updated.created, false);
  let got = await sync.get(id);
  assert.equal(got?.ScheduleExpression, 'cron(30 3 ? * MON *)');
  assert.equal(got?.ScheduleExpressionTimezone, 'Europe/Paris');
  assert.deepEqual(got?.FlexibleTimeWindow, { Mode: 'FLEXIBLE', MaximumWindowInMinutes: 30 });

  const disabled = await sync.upsert({ job_id: id, schedule: { ...seedSchedule, enabled: false } });
  assert.equal(disabled.state, 'DISABLED');
  got = await sync.get(id);
  assert.equal(got?.State, 'DISABLED');
  assert.equal(got?.ScheduleExpression, 'cron(0 2 * * ? *)');

  await sync.upsert({ job_id: id, schedule: seedSchedule });
  assert.equal((await sync.get(id))?.State, 'ENABLED');
  await sync.upsert({ job_id: id, schedule: seedSchedule, status: JobStatus.Paused });
  assert.equal((await sync.get(id))?.State, 'DISABLED', 'a paused job does not run');

  const listed = await schedulerClient().send(new ListSchedulesCommand({ GroupName: groupName, NamePrefix: `haven-job-${id}` }));
  assert.equal(listed.Schedules?.filter((s) => s.Name === `haven-job-${id}`).length, 1, 'still one schedule');
});

test('remove deletes the schedule; removing again (or a job that never had one) is fine', async () => {
  const id = jobId();
  await sync.upsert({ job_id: id, schedule: { frequency: 'rate(6 hours)', enabled: true } });
  assert.equal((await sync.get(id))?.ScheduleExpression, 'rate(6 hours)');
  assert.equal(await sync.remove(id), true);
  assert.equal(await sync.get(id), undefined);
  assert.equal(await sync.remove(id), false);
  assert.equal(await sync.remove(jobId()), false);
});

test('an invalid schedule is a ScheduleError and writes nothing', async () => {
  const id = jobId();
  await assert.rejects(sync.upsert({ job_id: id, schedule: { frequency: 'daily', time: '25:00', enabled: true } }), (error: unknown) => error instanceof ScheduleError && error.details.field === 'schedule.time');
  assert.equal(await sync.get(id), undefined);
});

test('schedule names fit Scheduler: haven-job-<job_id>, hashed when the id cannot fit', () => {
  assert.equal(jobScheduleName('job_01hq3k5v8x9y2z4a6b8c0d2e4f'), 'haven-job-job_01hq3k5v8x9y2z4a6b8c0d2e4f');
  const long = jobScheduleName('x'.repeat(80));
  assert.match(long, /^haven-job-[0-9a-f]{40}$/);
  assert.ok(long.length <= 64);
  assert.equal(jobScheduleName('job with spaces'), jobScheduleName('job with spaces'));
  assert.notEqual(jobScheduleName('job with spaces'), jobScheduleName('job with space'));
  assert.match(jobScheduleName('job/slash'), /^haven-job-[0-9a-f]{40}$/);
});

test('the port validates, computes next_run and syncs', async () => {
  const port = schedulePort(sync);
  const id = jobId();
  assert.equal(port.validate(seedSchedule).expression, 'cron(0 2 * * ? *)');
  assert.equal(port.nextRun(seedSchedule, new Date('2024-01-15T12:30:00Z'))?.toISOString(), '2024-01-16T07:00:00.000Z');
  assert.equal(port.jobNextRun({ schedule: seedSchedule, status: JobStatus.Active }, new Date('2024-01-15T12:30:00Z'))?.toISOString(), '2024-01-16T07:00:00.000Z');
  assert.equal(port.jobNextRun({ schedule: seedSchedule, status: JobStatus.Paused }, new Date('2024-01-15T12:30:00Z')), null, 'a paused job has no next run');
  assert.throws(() => port.jobNextRun({ schedule: { ...seedSchedule, time: '24:00' }, status: JobStatus.Paused }, new Date()), ScheduleError);
  assert.equal((await port.upsert({ job_id: id, schedule: seedSchedule })).created, true);
  assert.equal(await port.remove(id), true);
});

test('an update that finds the schedule deleted meanwhile creates it again', async () => {
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
  const result = await racingSync.upsert({ job_id: id, schedule: { ...seedSchedule, time: '04:00' } });
  assert.ok(raced);
  assert.equal(result.created, true);
  assert.equal((await sync.get(id))?.ScheduleExpression, 'cron(0 4 * * ? *)');
});
