import { test } from 'vitest';
import assert from 'node:assert/strict';
import { AlreadyExistsError, InvalidRecordError, JobAlreadyRunningError, NotFoundError } from '../../../control/catalog/errors.js';
import { JobStatus, type JobPatch } from '../../../control/catalog/types.js';
import { ErrorCode } from '../../../vault/errors.js';
import { freshCatalog, jobInput } from './table.js';

const { catalog, clock } = await freshCatalog();

test('createJob stores the seed fields, fills ids and times, and getJob reads them back', async () => {
  const job = await catalog.createJob(jobInput());
  assert.match(job.job_id, /^job_[0-9a-z]{26}$/);
  assert.equal(job.status, JobStatus.Active);
  assert.equal(job.created_at, clock.now().toISOString());
  assert.equal(job.last_run, null);
  assert.deepEqual(await catalog.getJob(job.job_id), job);
});

test('createJob never overwrites: a taken job_id is AlreadyExistsError and the first job stays', async () => {
  const first = await catalog.createJob(jobInput({ job_id: 'job_taken' }));
  await assert.rejects(catalog.createJob(jobInput({ job_id: 'job_taken', job_name: 'other' })), AlreadyExistsError);
  assert.equal((await catalog.getJob('job_taken')).job_name, first.job_name);
});

test('getJob of a missing job is NotFoundError with code NotFound; findJob is undefined', async () => {
  await assert.rejects(catalog.getJob('job_missing'), (error: unknown) => error instanceof NotFoundError && error.code === ErrorCode.NotFound);
  assert.equal(await catalog.findJob('job_missing'), undefined);
});

test('updateJob changes fields, stamps updated_at and returns the new record', async () => {
  const job = await catalog.createJob(jobInput());
  clock.advance(60);
  const updated = await catalog.updateJob(job.job_id, { job_name: 'Hourly', status: JobStatus.Paused, next_run: '2024-01-16T02:00:00Z', description: undefined });
  assert.equal(updated.job_name, 'Hourly');
  assert.equal(updated.status, JobStatus.Paused);
  assert.equal(updated.description, job.description);
  assert.equal(updated.updated_at, clock.now().toISOString());
  assert.equal(updated.created_at, job.created_at);
  assert.deepEqual(await catalog.getJob(job.job_id), updated);
});

test('updateJob of a missing job is NotFoundError and creates nothing', async () => {
  await assert.rejects(catalog.updateJob('job_ghost', { job_name: 'x' }), NotFoundError);
  assert.equal(await catalog.findJob('job_ghost'), undefined);
});

test('updateJob refuses ids, creation time and the lease', async () => {
  const job = await catalog.createJob(jobInput());
  for (const patch of [{ job_id: 'job_other' }, { created_at: '2020-01-01T00:00:00Z' }, { lease_owner: 'exec_x' }]) {
    await assert.rejects(catalog.updateJob(job.job_id, patch as JobPatch), InvalidRecordError);
  }
});

test('deleteJob removes the job; a missing job is NotFoundError', async () => {
  const job = await catalog.createJob(jobInput());
  await catalog.deleteJob(job.job_id);
  assert.equal(await catalog.findJob(job.job_id), undefined);
  await assert.rejects(catalog.deleteJob(job.job_id), NotFoundError);
});

test('deleteJob refuses a job whose lease is live, and allows it once the lease expires', async () => {
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_runner', 60);
  await assert.rejects(catalog.deleteJob(job.job_id), (error: unknown) => error instanceof JobAlreadyRunningError && error.runningExecutionId === 'exec_runner');
  clock.advance(61);
  await catalog.deleteJob(job.job_id);
  assert.equal(await catalog.findJob(job.job_id), undefined);
});

test('listJobs lists newest first, filters by status and pages with a cursor', async () => {
  const { catalog: fresh, clock: time } = await freshCatalog({ queryPageSize: 2 });
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    time.advance(1);
    ids.push((await fresh.createJob(jobInput({ status: i % 3 === 0 ? JobStatus.Paused : JobStatus.Active }))).job_id);
  }
  const first = await fresh.listJobs({ limit: 3 });
  assert.deepEqual(first.items.map((j) => j.job_id), ids.slice(-3).reverse());
  assert.ok(first.next_cursor);
  const rest = await fresh.listJobs({ limit: 10, cursor: first.next_cursor });
  assert.deepEqual(rest.items.map((j) => j.job_id), ids.slice(0, 4).reverse());
  assert.equal(rest.next_cursor, null);
  const paused = await fresh.listJobs({ status: JobStatus.Paused, offset: 0 });
  assert.deepEqual(paused.items.map((j) => j.job_id), [ids[6], ids[3], ids[0]]);
  assert.equal(paused.total, 3);
  assert.ok(paused.items.every((j) => !('pk' in j) && !('gsi1sk' in j)), 'records carry no key attributes');
});
