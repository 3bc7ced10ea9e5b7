/**
 * The step wrapper every workflow function runs in: a step's error reaches
 * Step Functions with its type and name unchanged (Retry and Catch match on
 * them) and any credential its message quotes cut out.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import type { Context } from 'aws-lambda';
import { stepHandler } from '../../functions/shared/step-handler.js';
import type { WorkflowDeps } from '../../control/workflows/deps.js';

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
