/**
 * A job's run lease: at most one execution runs a job at a time. The lease
 * lives on the job item (`lease_owner`, `lease_expires_at`) and is taken by
 * a conditional write, so of many concurrent acquires exactly one wins. A
 * lease that has expired (its run died without releasing it) can be taken
 * over; the owner may acquire again to renew it.
 */
import type { CatalogContext } from './context.js';
import { InvalidRecordError } from './errors.js';
import { checkId } from './ids.js';
import { ConditionFailed, updateIf } from './items.js';
import { leaseConflict } from './jobs.js';
import { Kinds } from './keys.js';
import type { JobRecord } from './types.js';

/**
 * Takes (or renews) a job's lease for an execution.
 *
 * @param ctx - the catalog
 * @param jobId - the job
 * @param executionId - the execution that will run it
 * @param ttlSeconds - how long the lease lasts unless released or renewed
 * @returns the job with the lease
 * @throws JobAlreadyRunningError naming the execution holding a live lease; NotFoundError
 */
export async function acquireLease(ctx: CatalogContext, jobId: string, executionId: string, ttlSeconds: number): Promise<JobRecord> {
  checkId(executionId, 'execution');
  if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) throw new InvalidRecordError(`lease ttl must be a positive number of seconds, not ${ttlSeconds}`);
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + ttlSeconds * 1000).toISOString();
  const out = await updateIf<JobRecord>(ctx, Kinds.job, jobId, (e) => {
    const owner = e.name('lease_owner');
    const free = `attribute_not_exists(${owner}) OR ${e.name('lease_expires_at')} < ${e.value(now.toISOString())} OR ${owner} = ${e.value(executionId)}`;
    return {
      update: e.update({ lease_owner: executionId, lease_expires_at: expiresAt }),
      condition: `attribute_exists(${e.name('pk')}) AND (${free})`,
    };
  });
  if (out instanceof ConditionFailed) throw leaseConflict(jobId, out.current);
  return out;
}

/**
 * Releases a job's lease if the execution holds it; otherwise (released
 * already, taken over, no such job) does nothing.
 *
 * @param ctx - the catalog
 * @param jobId - the job
 * @param executionId - the execution releasing it
 * @returns whether this call released the lease
 */
export async function releaseLease(ctx: CatalogContext, jobId: string, executionId: string): Promise<boolean> {
  const out = await updateIf<JobRecord>(ctx, Kinds.job, jobId, (e) => ({
    update: e.update({}, ['lease_owner', 'lease_expires_at']),
    condition: `${e.name('lease_owner')} = ${e.value(executionId)}`,
  }));
  return !(out instanceof ConditionFailed);
}
