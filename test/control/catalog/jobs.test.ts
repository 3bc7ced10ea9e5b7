import { test } from 'vitest';
import assert from 'node:assert/strict';
import { AlreadyExistsError, InvalidRecordError, JobAlreadyRunningError, NotFoundError } from '../../../control/catalog/errors.js';
import { JobStatus, type JobPatch } from '../../../control/catalog/types.js';
import { ErrorCode } from '../../../vault/errors.js';
import type { Catalog } from '../../../control/catalog/catalog.js';
import { freshCatalog, jobInput } from './table.js';

test('createJob stores the seed fields, fills ids and times, and getJob reads them back', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();

  // Act
  const job = await catalog.createJob(jobInput());

  // Assess
  assert.match(job.job_id, /^job_[0-9a-z]{26}$/);
  assert.equal(job.status, JobStatus.Active);
  assert.equal(job.created_at, clock.now().toISOString());
  assert.equal(job.last_run, null);
  assert.deepEqual(await catalog.getJob(job.job_id), job);
});

test('createJob never overwrites: a taken job_id is AlreadyExistsError and the first job stays', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const first = await catalog.createJob(jobInput({ job_id: 'job_taken' }));

  // Act
  const second = catalog.createJob(jobInput({ job_id: 'job_taken', job_name: 'other' }));

  // Assess
  await assert.rejects(second, AlreadyExistsError);
  assert.equal((await catalog.getJob('job_taken')).job_name, first.job_name);
});

test('getJob of a missing job is NotFoundError with code NotFound', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const read = catalog.getJob('job_missing');

  // Assess
  await assert.rejects(read, (error: unknown) => error instanceof NotFoundError && error.code === ErrorCode.NotFound);
});

test('findJob of a missing job is undefined', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const found = await catalog.findJob('job_missing');

  // Assess
  assert.equal(found, undefined);
});

test('updateJob changes fields, stamps updated_at and returns the new record', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  clock.advance(60);

  // Act
  const updated = await catalog.updateJob(job.job_id, { job_name: 'Hourly', status: JobStatus.Paused, next_run: '2024-01-16T02:00:00Z', description: undefined });

  // Assess
  assert.equal(updated.job_name, 'Hourly');
  assert.equal(updated.status, JobStatus.Paused);
  assert.equal(updated.description, job.description);
  assert.equal(updated.updated_at, clock.now().toISOString());
  assert.equal(updated.created_at, job.created_at);
  assert.deepEqual(await catalog.getJob(job.job_id), updated);
});

test('updateJob of a missing job is NotFoundError and creates nothing', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const update = catalog.updateJob('job_ghost', { job_name: 'x' });

  // Assess
  await assert.rejects(update, NotFoundError);
  assert.equal(await catalog.findJob('job_ghost'), undefined);
});

test('updateJob refuses ids, creation time and the lease', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  for (const patch of [{ job_id: 'job_other' }, { created_at: '2020-01-01T00:00:00Z' }, { lease_owner: 'exec_x' }]) {
    // Act
    const update = catalog.updateJob(job.job_id, patch as JobPatch);

    // Assess
    await assert.rejects(update, InvalidRecordError);
  }
});

test('createJob refuses a compression setting that is not normalized (a partial one)', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const partial = { enabled: true, level: 9 } as unknown as JobPatch['compression'];

  // Act
  const create = catalog.createJob(jobInput({ job_id: 'job_partial', compression: partial! }));

  // Assess
  await assert.rejects(create, InvalidRecordError);
});

test('updateJob refuses a compression setting that is not normalized and leaves the job unchanged', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  const patch = { compression: { enabled: true, level: 9 } } as unknown as JobPatch;

  // Act
  const update = catalog.updateJob(job.job_id, patch);

  // Assess
  await assert.rejects(update, InvalidRecordError);
  assert.deepEqual((await catalog.getJob(job.job_id)).compression, job.compression);
});

test('deleteJob removes the job', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());

  // Act
  await catalog.deleteJob(job.job_id);

  // Assess
  assert.equal(await catalog.findJob(job.job_id), undefined);
});

test('deleteJob of a missing job is NotFoundError', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.deleteJob(job.job_id);

  // Act
  const again = catalog.deleteJob(job.job_id);

  // Assess
  await assert.rejects(again, NotFoundError);
});

test('deleteJob refuses a job whose lease is live', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_runner', 60);

  // Act
  const deletion = catalog.deleteJob(job.job_id);

  // Assess
  await assert.rejects(deletion, (error: unknown) => error instanceof JobAlreadyRunningError && error.runningExecutionId === 'exec_runner');
});

test('deleteJob allows a job once its lease expires', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_runner', 60);
  clock.advance(61);

  // Act
  await catalog.deleteJob(job.job_id);

  // Assess
  assert.equal(await catalog.findJob(job.job_id), undefined);
});

/** A catalog reading two items a query page, holding 7 jobs a second apart; every third is paused. */
async function sevenJobs(): Promise<{ catalog: Catalog; ids: string[] }> {
  const { catalog, clock } = await freshCatalog({ queryPageSize: 2 });
  const ids: string[] = [];
  for (let i = 0; i < 7; i++) {
    clock.advance(1);
    ids.push((await catalog.createJob(jobInput({ status: i % 3 === 0 ? JobStatus.Paused : JobStatus.Active }))).job_id);
  }
  return { catalog, ids };
}

test('listJobs lists newest first and pages with a cursor', async () => {
  // Prepare
  const { catalog, ids } = await sevenJobs();

  // Act
  const first = await catalog.listJobs({ limit: 3 });
  const rest = await catalog.listJobs({ limit: 10, cursor: first.next_cursor ?? undefined });

  // Assess
  assert.deepEqual(first.items.map((j) => j.job_id), ids.slice(-3).reverse());
  assert.ok(first.next_cursor);
  assert.deepEqual(rest.items.map((j) => j.job_id), ids.slice(0, 4).reverse());
  assert.equal(rest.next_cursor, null);
});

test('listJobs filters by status', async () => {
  // Prepare
  const { catalog, ids } = await sevenJobs();

  // Act
  const paused = await catalog.listJobs({ status: JobStatus.Paused, offset: 0 });

  // Assess
  assert.deepEqual(paused.items.map((j) => j.job_id), [ids[6], ids[3], ids[0]]);
  assert.equal(paused.total, 3);
});

test('listJobs returns records without key attributes', async () => {
  // Prepare
  const { catalog } = await sevenJobs();

  // Act
  const listed = await catalog.listJobs({ status: JobStatus.Paused, offset: 0 });

  // Assess
  assert.ok(listed.items.length > 0);
  assert.ok(listed.items.every((j) => !('pk' in j) && !('gsi1sk' in j)), 'records carry no key attributes');
});
