import { test } from 'vitest';
import assert from 'node:assert/strict';
import { JobAlreadyRunningError, NotFoundError } from '../../../control/catalog/errors.js';
import { freshCatalog, jobInput } from './table.js';

const { catalog, clock } = await freshCatalog();

test('of 10 concurrent acquires exactly one takes the lease; the others name the winner', async () => {
  const job = await catalog.createJob(jobInput());
  const contenders = Array.from({ length: 10 }, (_, i) => `exec_contender${i}`);
  const results = await Promise.allSettled(contenders.map((id) => catalog.acquireLease(job.job_id, id, 300)));
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

test('release frees the lease for another execution; a second release is a no-op', async () => {
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_a', 300);
  assert.equal(await catalog.releaseLease(job.job_id, 'exec_a'), true);
  assert.equal(await catalog.releaseLease(job.job_id, 'exec_a'), false);
  const stored = await catalog.getJob(job.job_id);
  assert.equal(stored.lease_owner, undefined);
  assert.equal(stored.lease_expires_at, undefined);
  assert.equal((await catalog.acquireLease(job.job_id, 'exec_b', 300)).lease_owner, 'exec_b');
});

test('release by a non-owner is a no-op and the owner keeps the lease', async () => {
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_owner', 300);
  assert.equal(await catalog.releaseLease(job.job_id, 'exec_intruder'), false);
  assert.equal((await catalog.getJob(job.job_id)).lease_owner, 'exec_owner');
  await assert.rejects(catalog.acquireLease(job.job_id, 'exec_intruder', 300), JobAlreadyRunningError);
});

test('an expired lease is taken over; the old owner then cannot release it', async () => {
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_dead', 5);
  clock.advance(5);
  await assert.rejects(catalog.acquireLease(job.job_id, 'exec_new', 60), JobAlreadyRunningError, 'not yet expired at its expiry instant');
  clock.advance(1);
  assert.equal((await catalog.acquireLease(job.job_id, 'exec_new', 60)).lease_owner, 'exec_new');
  assert.equal(await catalog.releaseLease(job.job_id, 'exec_dead'), false);
  assert.equal((await catalog.getJob(job.job_id)).lease_owner, 'exec_new');
});

test('the owner renews its lease by acquiring again', async () => {
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_long', 10);
  clock.advance(8);
  const renewed = await catalog.acquireLease(job.job_id, 'exec_long', 10);
  assert.equal(renewed.lease_expires_at, new Date(clock.now().getTime() + 10_000).toISOString());
});

test('a lease on a missing job is NotFoundError and creates no item; release there is a no-op', async () => {
  await assert.rejects(catalog.acquireLease('job_nowhere', 'exec_x', 60), NotFoundError);
  assert.equal(await catalog.findJob('job_nowhere'), undefined);
  assert.equal(await catalog.releaseLease('job_nowhere', 'exec_x'), false);
  assert.equal(await catalog.findJob('job_nowhere'), undefined);
});

test('updateJob leaves the lease alone', async () => {
  const job = await catalog.createJob(jobInput());
  await catalog.acquireLease(job.job_id, 'exec_keep', 60);
  const updated = await catalog.updateJob(job.job_id, { job_name: 'renamed' });
  assert.equal(updated.lease_owner, 'exec_keep');
});
