/**
 * Mark failed records the code a failed step sent (the step wrapper's
 * `{code, message}` in the caught `Cause`), not one guessed from the
 * error's name. The restore workflow's Mark failed stands for the four:
 * they read the failure alike (control/workflows/errors.ts). The catalog
 * runs in the emulator.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { Context } from 'aws-lambda';
import { stepHandler } from '../../functions/shared/step-handler.js';
import type { OutcomeEvent } from '../../control/notifications/event-types.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { markRestoreFailed } from '../../control/workflows/restore/mark-failed.js';
import { DatabaseUnreachableError } from '../../sources/postgres/errors.js';
import { freshCatalog } from './catalog/table.js';

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

/** A restore record on a fresh catalog, and the deps Mark failed runs with (no vault: clearing staging is best effort). */
async function failingRestore(): Promise<{ deps: WorkflowDeps; restoreId: string; events: OutcomeEvent[] }> {
  const { catalog } = await freshCatalog();
  const events: OutcomeEvent[] = [];
  const restore = await catalog.restores.create({ restore_name: 'mark failed', backup_id: 'backup_01jd4x6f5e8q2v7c9w3k0m1n2p', destination: { type: 'dynamodb', table_name: 'orders-restored' }, created_by: 'test' });
  const deps = {
    catalog,
    vault: () => Promise.reject(new Error('no vault in this test')),
    publish: async (event: OutcomeEvent) => void events.push(event),
    now: () => new Date(),
  } as unknown as WorkflowDeps;
  return { deps, restoreId: restore.restore_id, events };
}

/** The `Cause` Step Functions catches for a step that threw `error` through the step wrapper (Lambda's error payload as JSON). */
async function causeOf(error: Error): Promise<{ Error: string; Cause: string }> {
  const handler = stepHandler('failing-step', () => Promise.reject(error), () => ({}) as WorkflowDeps);
  const thrown = (await handler({}, context).then(
    () => assert.fail('the step should fail'),
    (e: unknown) => e,
  )) as Error;
  return { Error: thrown.name, Cause: JSON.stringify({ errorType: thrown.name, errorMessage: thrown.message, trace: [] }) };
}

test('Mark failed records the code the failed step sent, and announces it', async () => {
  // Prepare
  const { deps, restoreId, events } = await failingRestore();
  const caught = await causeOf(new DatabaseUnreachableError('cannot reach PostgreSQL at db:5432 (ECONNREFUSED)'));

  // Act
  await markRestoreFailed(deps, { restore_id: restoreId, error: caught });

  // Assess
  const record = await deps.catalog.restores.get(restoreId);
  assert.equal(record.status, 'failed');
  assert.deepEqual(record.error, { code: 'DatabaseUnreachable', message: 'cannot reach PostgreSQL at db:5432 (ECONNREFUSED)' });
  assert.equal(events.length, 1);
  assert.equal(events[0]!.detail.error_code, 'DatabaseUnreachable');
});

test('a failure that carries no code (a Lambda timeout) is recorded BackupFailed with its cause, whatever its error name', async () => {
  // Prepare
  const { deps, restoreId } = await failingRestore();
  const timeout = { Error: 'StorageUnavailableError', Cause: JSON.stringify({ errorType: 'Sandbox.Timedout', errorMessage: 'Task timed out after 2.00 seconds' }) };

  // Act
  await markRestoreFailed(deps, { restore_id: restoreId, error: timeout });

  // Assess
  const record = await deps.catalog.restores.get(restoreId);
  assert.deepEqual(record.error, { code: 'BackupFailed', message: 'Task timed out after 2.00 seconds' });
});
