/**
 * Mark failed called from a failed item of a Distributed Map (`from_item`):
 * AWS hides a child's error from the parent Map, so the child records it.
 * It records the item's code and announces it once, but keeps the job's
 * lease and the staging area (other batches may still run); the parent's
 * Mark failed then keeps that code and cleans up. The catalog runs in the
 * emulator; the vault seam counts its uses (cleaning up is the one use).
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { HavenEnv } from '../../control/env.js';
import type { OutcomeEvent } from '../../control/notifications/event-types.js';
import { VaultRegistry } from '../../control/vaults/registry.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { markBackupFailed, markBackupItemFailed } from '../../control/workflows/backup/mark-failed.js';
import { markRestoreFailed } from '../../control/workflows/restore/mark-failed.js';
import { freshCatalog, executionInput, jobInput } from './catalog/table.js';

/** A caught error as the step wrapper sends it (its `{code, message}` in Lambda's error payload). */
function caught(code: string, message: string): { Error: string; Cause: string } {
  return { Error: 'Error', Cause: JSON.stringify({ errorType: 'Error', errorMessage: JSON.stringify({ code, message }) }) };
}

/** What the parent Map's Catch holds: the threshold error, not the item's. */
const THRESHOLD = { Error: 'States.ExceedToleratedFailureThreshold', Cause: 'The specified tolerated failure threshold was exceeded' };

/** Deps over a fresh catalog whose vault seam counts its uses and publishes into a list. */
async function fixture() {
  const { catalog } = await freshCatalog();
  const events: OutcomeEvent[] = [];
  const vaultUses = { count: 0 };
  const deps = {
    catalog,
    vaults: VaultRegistry.fromEnv({ [HavenEnv.VaultUri]: 'file:///tmp/haven-mark-failed-vault', [HavenEnv.KeyFile]: '/tmp/haven-mark-failed-key' }),
    vault: () => {
      vaultUses.count += 1;
      return Promise.reject(new Error('no vault in this test'));
    },
    source: () => ({}),
    publish: async (event: OutcomeEvent) => void events.push(event),
    now: () => new Date(),
  } as unknown as WorkflowDeps;
  return { deps, catalog, events, vaultUses };
}

/** A running backup execution holding its job's lease. */
async function runningBackup(deps: WorkflowDeps) {
  const job = await deps.catalog.createJob(jobInput());
  const execution = await deps.catalog.executions.create(executionInput(job.job_id));
  await deps.catalog.acquireLease(job.job_id, execution.execution_id, 3600);
  return { jobId: job.job_id, executionId: execution.execution_id };
}

test('a failed backup item records its code and announces it, but keeps the lease and the staging area', async () => {
  // Prepare
  const { deps, events, vaultUses } = await fixture();
  const { jobId, executionId } = await runningBackup(deps);

  // Act
  const out = await markBackupItemFailed(deps, { context: { execution_id: executionId }, error: caught('SourceNotFound', 'table orders is gone'), from_item: true });

  // Assess
  const record = await deps.catalog.executions.get(executionId);
  assert.equal(record.status, 'failed');
  assert.deepEqual(record.error, { code: 'SourceNotFound', message: 'table orders is gone' });
  assert.equal(out.code, 'SourceNotFound');
  assert.equal(events.length, 1);
  assert.equal(vaultUses.count, 0, 'staging is not touched');
  assert.equal(await deps.catalog.releaseLease(jobId, executionId), true, 'the lease is still held by the execution');
});

test('the parent Mark failed after a failed item keeps the item\'s code, releases the lease and announces nothing more', async () => {
  // Prepare
  const { deps, events, vaultUses } = await fixture();
  const { jobId, executionId } = await runningBackup(deps);
  await markBackupItemFailed(deps, { context: { execution_id: executionId }, error: caught('SourceNotFound', 'table orders is gone'), from_item: true });

  // Act
  const out = await markBackupFailed(deps, { job_id: jobId, execution_id: executionId, error: THRESHOLD });

  // Assess
  assert.equal(out.code, 'SourceNotFound');
  assert.equal((await deps.catalog.executions.get(executionId)).error?.code, 'SourceNotFound');
  assert.equal(events.length, 1);
  assert.equal(vaultUses.count, 1, 'the parent cleans up staging');
  assert.equal(await deps.catalog.releaseLease(jobId, executionId), false, 'the lease was released');
});

test('a failed restore item records its code but keeps the staging area; the parent keeps that code and clears it', async () => {
  // Prepare
  const { deps, events, vaultUses } = await fixture();
  const restore = await deps.catalog.restores.create({ restore_name: 'item', backup_id: 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p', destination: { type: 'dynamodb', table_name: 'orders-restored' }, created_by: 'test' });

  // Act
  await markRestoreFailed(deps, { context: { restore_id: restore.restore_id }, error: caught('RestoreConflict', 'orders-restored holds items'), from_item: true });
  const usesAfterItem = vaultUses.count;
  const out = await markRestoreFailed(deps, { restore_id: restore.restore_id, error: THRESHOLD });

  // Assess
  assert.equal(usesAfterItem, 0, 'the item does not touch staging');
  assert.equal(vaultUses.count, 1, 'the parent clears staging');
  assert.equal(out.code, 'RestoreConflict');
  assert.equal((await deps.catalog.restores.get(restore.restore_id)).error?.code, 'RestoreConflict');
  assert.equal(events.length, 1);
});
