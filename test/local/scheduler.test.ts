import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JobStatus } from '../../engine/catalog/types.js';
import { seedTable } from '../../local/demo/seed-data.js';
import { LocalStack } from '../../local/stack/local-stack.js';
import { newJob } from '../helpers/jobs.js';
import { uniqueName } from '../helpers/names.js';

describe('local scheduler', () => {
  let now = new Date('2026-03-07T06:00:00Z');
  const clock = { now: () => now };
  let stack: LocalStack;
  const table = uniqueName('scheduled');
  const toronto = { frequency: 'daily', time: '02:30', timezone: 'America/Toronto', enabled: true };

  before(async () => {
    stack = await LocalStack.create({ schedules: { clock, autoStart: false } });
    await seedTable(table, 20);
  });

  test('fires a due enabled schedule into the runner with the Scheduler input, once, and never a disabled schedule or a paused job', async () => {
    const scheduler = stack.scheduler!;
    const source = { type: 'dynamodb', table_name: table };
    const due = await stack.catalog.createJob(newJob(source, { schedule: toronto }));
    const disabled = await stack.catalog.createJob(newJob(source, { schedule: { ...toronto, enabled: false } }));
    const paused = await stack.catalog.createJob(newJob(source, { schedule: toronto, status: JobStatus.Paused }));

    assert.deepEqual(await scheduler.tick(), [], 'nothing is due yet');
    assert.equal(scheduler.nextFire(due.job_id)?.toISOString(), '2026-03-07T07:30:00.000Z');
    assert.equal(scheduler.nextFire(disabled.job_id), undefined);
    assert.equal(scheduler.nextFire(paused.job_id), undefined);

    now = new Date('2026-03-07T07:29:59Z');
    assert.deepEqual(await scheduler.tick(), []);

    now = new Date('2026-03-07T07:30:20Z');
    const started = await scheduler.tick();
    assert.equal(started.length, 1);
    assert.equal(started[0]!.job_id, due.job_id);
    assert.equal(started[0]!.scheduled_for.toISOString(), '2026-03-07T07:30:00.000Z');
    assert.equal(started[0]!.execution.stateMachine, 'backup');
    assert.deepEqual(started[0]!.execution.input, { job_id: due.job_id, trigger: 'schedule' });
    assert.deepEqual(await scheduler.tick(), [], 'a run fires once');
    // The next day's 02:30 does not exist in Toronto (spring forward): the one after.
    assert.equal(scheduler.nextFire(due.job_id)?.toISOString(), '2026-03-09T06:30:00.000Z');

    const execution = await started[0]!.execution.done;
    assert.equal(execution.status, 'SUCCEEDED', `${execution.error}: ${execution.cause}`);
    const record = (await stack.catalog.listExecutions({ job_id: due.job_id })).items[0]!;
    assert.equal(record.trigger, 'schedule');
    assert.equal(record.status, 'completed');
    const ran = await stack.catalog.getJob(due.job_id);
    assert.equal(ran.last_run, record.started_at);
    assert.ok(ran.next_run && Date.parse(ran.next_run) > Date.parse(record.started_at), 'finalize moves next_run past the run');
    assert.equal(new Intl.DateTimeFormat('en-US', { timeZone: 'America/Toronto', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ran.next_run)), toronto.time);

    const jobsRun = new Set(stack.runner.list().map((e) => (e.input as { job_id: string }).job_id));
    assert.ok(!jobsRun.has(disabled.job_id) && !jobsRun.has(paused.job_id), 'a disabled schedule and a paused job never run');
    await stack.catalog.updateJob(due.job_id, { schedule: { ...toronto, enabled: false } });
  });

  test('a rate schedule fires once after missed intervals (no backfill); edits and disabling take effect on the next tick', async () => {
    const scheduler = stack.scheduler!;
    const source = { type: 'dynamodb', table_name: table };
    now = new Date('2026-04-01T00:00:00Z');
    const job = await stack.catalog.createJob(newJob(source, { schedule: { frequency: 'rate(10 minutes)', enabled: true } }));
    await scheduler.tick();
    assert.equal(scheduler.nextFire(job.job_id)?.toISOString(), '2026-04-01T00:10:00.000Z');

    now = new Date('2026-04-01T00:35:00Z');
    const started = (await scheduler.tick()).filter((s) => s.job_id === job.job_id);
    assert.equal(started.length, 1);
    assert.equal(scheduler.nextFire(job.job_id)?.toISOString(), '2026-04-01T00:40:00.000Z');
    assert.equal((await started[0]!.execution.done).status, 'SUCCEEDED');

    await stack.catalog.updateJob(job.job_id, { schedule: { frequency: 'rate(1 hour)', enabled: true } });
    await scheduler.tick();
    assert.equal(scheduler.nextFire(job.job_id)?.toISOString(), '2026-04-01T01:35:00.000Z', 'a changed schedule restarts from now');

    await stack.catalog.updateJob(job.job_id, { schedule: { frequency: 'rate(1 hour)', enabled: false } });
    now = new Date('2026-04-01T05:00:00Z');
    assert.deepEqual((await scheduler.tick()).filter((s) => s.job_id === job.job_id), []);
    assert.equal(scheduler.nextFire(job.job_id), undefined);
  });
});
