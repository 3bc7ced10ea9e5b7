/**
 * The step wrapper every workflow function runs in: a step's error reaches
 * Step Functions with its type and name unchanged (Retry and Catch match on
 * them), its message the failure Mark failed records (`{code, message}`),
 * and any credential its message quotes cut out.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { Context } from 'aws-lambda';
import { stepHandler } from '../../functions/shared/step-handler.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';
import { StorageUnavailableError } from '../../vault/storage/errors.js';

class SourceReadError extends Error {
  override readonly name = 'SourceReadError';
}

const context = { awsRequestId: 'req-1', functionName: 'test', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

test('a failing step reaches the caller with its type and name, the connection string in its message redacted', async () => {
  // Prepare
  const password = 'hunter2-very-secret';
  const handler = stepHandler(
    'test-step',
    async () => {
      throw new SourceReadError(`could not connect to postgresql://admin:${password}@db.internal:5432/app`);
    },
    () => ({}) as WorkflowDeps,
  );

  // Act
  const error = await handler({}, context).then(
    () => undefined,
    (e: unknown) => e as Error,
  );

  // Assess
  assert.ok(error instanceof SourceReadError);
  assert.equal(error.name, 'SourceReadError');
  assert.doesNotMatch(error.message, new RegExp(password));
  assert.match(error.message, /could not connect/);
});

/** What the step wrapper throws for a step that throws `error`. */
async function thrownBy(error: Error): Promise<Error> {
  const handler = stepHandler('test-step', () => Promise.reject(error), () => ({}) as WorkflowDeps);
  return handler({}, context).then(
    () => assert.fail('the step should fail'),
    (e: unknown) => e as Error,
  );
}

test('a failing step sends its failure as {code, message}: the Haven error\'s code, under its class name', async () => {
  // Prepare
  const error = new StorageUnavailableError('GetObject s3://vault/config: unavailable');

  // Act
  const thrown = await thrownBy(error);

  // Assess
  assert.ok(thrown instanceof StorageUnavailableError, 'Retry and Catch match on the class name');
  assert.equal(thrown.name, 'StorageUnavailableError');
  assert.deepEqual(JSON.parse(thrown.message), { code: 'StorageUnavailable', message: 'GetObject s3://vault/config: unavailable' });
});

test('an error that is not a Haven error is sent with the BackupFailed code', async () => {
  // Prepare
  const error = new SourceReadError('the table went away');

  // Act
  const thrown = await thrownBy(error);

  // Assess
  assert.deepEqual(JSON.parse(thrown.message), { code: 'BackupFailed', message: 'the table went away' });
});
