import { test } from 'vitest';
import assert from 'node:assert/strict';
import { JobAlreadyRunningError, NotFoundError } from '../../../control/catalog/errors.js';
import { freshCatalog, jobInput } from './table.js';

test('of 10 concurrent acquires exactly one takes the lease; the others name the winner', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  const contenders = Array.from({ length: 10 }, (_, i) => `exec_contender${i}`);

  // Act
  const results = await Promise.allSettled(contenders.map((id) => catalog.acquireLease(job.job_id, id, 300)));

  // Assess
  const won = results.flatMap((r, i) => (r.status === 'fulfilled' ? [contenders[i]] : []));
  assert.equal(won.length, 1);
  const winner = won[0];
  for (const r of results) {
    if (r.status === 'rejected') {
      assert.ok(r.reason instanceof JobAlreadyRunningError);
      assert.equal(r.reason.runningExecutionId, winner);
      assert.equal(r.reason.jobId, job.job_id);
    }
  }
  const stored = await catalog.getJob(job.job_id);
  assert.equal(stored.lease_owner, winner);
  assert.equal(stored.lease_expires_at, new Date(clock.now().getTime() + 300_000).toISOString());
});

test('release frees the lease for another execution', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_a', 300);

  // Act
  const released = await catalog.releaseLease(job.job_id, 'exec_a');

  // Assess
  assert.equal(released, true);
  const stored = await catalog.getJob(job.job_id);
  assert.equal(stored.lease_owner, undefined);
  assert.equal(stored.lease_expires_at, undefined);
  assert.equal((await catalog.acquireLease(job.job_id, 'exec_b', 300)).lease_owner, 'exec_b');
});

test('a second release is a no-op', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_a', 300);
  await catalog.releaseLease(job.job_id, 'exec_a');

  // Act
  const released = await catalog.releaseLease(job.job_id, 'exec_a');

  // Assess
  assert.equal(released, false);
});

test('release by a non-owner is a no-op and the owner keeps the lease', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_owner', 300);

  // Act
  const released = await catalog.releaseLease(job.job_id, 'exec_intruder');

  // Assess
  assert.equal(released, false);
  assert.equal((await catalog.getJob(job.job_id)).lease_owner, 'exec_owner');
  await assert.rejects(catalog.acquireLease(job.job_id, 'exec_intruder', 300), JobAlreadyRunningError);
});

test('a lease is not yet expired at its expiry instant', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_dead', 5);
  clock.advance(5);

  // Act
  const takeOver = catalog.acquireLease(job.job_id, 'exec_new', 60);

  // Assess
  await assert.rejects(takeOver, JobAlreadyRunningError, 'not yet expired at its expiry instant');
});

test('an expired lease is taken over', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_dead', 5);
  clock.advance(6);

  // Act
  const taken = await catalog.acquireLease(job.job_id, 'exec_new', 60);

  // Assess
  assert.equal(taken.lease_owner, 'exec_new');
});

test('the old owner of an expired lease cannot release it once taken over', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_dead', 5);
  clock.advance(6);
  await catalog.acquireLease(job.job_id, 'exec_new', 60);

  // Act
  const released = await catalog.releaseLease(job.job_id, 'exec_dead');

  // Assess
  assert.equal(released, false);
  assert.equal((await catalog.getJob(job.job_id)).lease_owner, 'exec_new');
});

test('the owner renews its lease by acquiring again', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_long', 10);
  clock.advance(8);

  // Act
  const renewed = await catalog.acquireLease(job.job_id, 'exec_long', 10);

  // Assess
  assert.equal(renewed.lease_expires_at, new Date(clock.now().getTime() + 10_000).toISOString());
});

test('a lease on a missing job is NotFoundError and creates no item', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const acquire = catalog.acquireLease('job_nowhere', 'exec_x', 60);

  // Assess
  await assert.rejects(acquire, NotFoundError);
  assert.equal(await catalog.findJob('job_nowhere'), undefined);
});

test('releasing a lease on a missing job is a no-op and creates no item', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const released = await catalog.releaseLease('job_nowhere', 'exec_x');

  // Assess
  assert.equal(released, false);
  assert.equal(await catalog.findJob('job_nowhere'), undefined);
});

test('updateJob leaves the lease alone', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_keep', 60);

  // Act
  const updated = await catalog.updateJob(job.job_id, { job_name: 'renamed' });

  // Assess
  assert.equal(updated.lease_owner, 'exec_keep');
});
