/**
 * The API answers an error with the HTTP status of its code
 * (control/api/error-mapping.ts), whatever its class; the body's seed error
 * name and details come from the error's typed fields.
 */
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { isInputFault, toApiError } from '../../../control/api/error-mapping.js';
import { InvalidCursorError, JobAlreadyRunningError, NotFoundError } from '../../../control/catalog/errors.js';
import { InvalidJobError } from '../../../control/workflows/errors.js';
import { SourceAccessError, SourceNotFoundError } from '../../../sources/errors.js';
import { ErrorCode, HavenError } from '../../../vault/errors.js';
import { CorruptedBackupError } from '../../../vault/format/errors.js';
import { StorageUnavailableError } from '../../../vault/storage/errors.js';

test('a Haven error of any class is answered with its code\'s status', () => {
  // Prepare
  class UnheardOfError extends HavenError {
    override readonly name = 'UnheardOfError';
    override readonly code = ErrorCode.Conflict;
  }

  // Act
  const mapped = toApiError(new UnheardOfError('the record moved on'));

  // Assess
  assert.equal(mapped.status, 409);
  assert.deepEqual(mapped.body(), { error: 'conflict', message: 'the record moved on', details: {} });
});

test('a configuration that cannot run is a 422 naming the problem', () => {
  // Prepare
  const error = new InvalidJobError('unknown source type "ftp"');

  // Act
  const mapped = toApiError(error);

  // Assess
  assert.equal(mapped.status, 422);
  assert.deepEqual(mapped.body(), { error: 'validation_failed', message: 'unknown source type "ftp"', details: { issues: ['unknown source type "ftp"'] } });
});

test('a missing record is a 404 naming its kind and id', () => {
  // Prepare
  const error = new NotFoundError('job', 'job_01');

  // Act
  const mapped = toApiError(error);

  // Assess
  assert.equal(mapped.status, 404);
  assert.deepEqual(mapped.body(), { error: 'job_not_found', message: 'Job not found', details: { job_id: 'job_01' } });
});

test('a job already running is a 409 naming the execution that runs it', () => {
  // Prepare
  const error = new JobAlreadyRunningError('job_01', 'exec_02', '2026-01-01T00:00:00Z');

  // Act
  const mapped = toApiError(error);

  // Assess
  assert.equal(mapped.status, 409);
  assert.equal(mapped.error, 'job_already_running');
  assert.deepEqual(mapped.details, { job_id: 'job_01', execution_id: 'exec_02' });
});

test('a cursor the list did not issue is a 422 naming the query parameter', () => {
  // Prepare
  const error = new InvalidCursorError();

  // Act
  const mapped = toApiError(error);

  // Assess
  assert.equal(mapped.status, 422);
  assert.equal(mapped.error, 'validation_failed');
  assert.deepEqual(mapped.details.fields, ['query.cursor']);
});

test('an unavailable service is a 503 that does not repeat the engine\'s message', () => {
  // Prepare
  const error = new StorageUnavailableError('GetObject s3://vault-bucket/config: SlowDown');

  // Act
  const mapped = toApiError(error);

  // Assess
  assert.equal(mapped.status, 503);
  assert.equal(mapped.error, 'service_unavailable');
  assert.doesNotMatch(mapped.message, /vault-bucket/);
});

test('damage and anything that is not a Haven error are 500s that reveal nothing', () => {
  // Prepare
  const errors = [new CorruptedBackupError('pack 0a1b failed authentication'), new TypeError('x is undefined')];

  // Act
  const mapped = errors.map(toApiError);

  // Assess
  assert.deepEqual(
    mapped.map((m) => [m.status, m.error, m.message]),
    errors.map(() => [500, 'internal_error', 'the request failed; it has been logged with its request id']),
  );
});

test('an input fault is an error whose code is a 422: a missing or unreadable source is one, an unavailable store is not', () => {
  // Prepare
  const errors = [new SourceNotFoundError('dynamodb table orders'), new SourceAccessError('DescribeTable: access denied'), new StorageUnavailableError('unreachable')];

  // Act
  const faults = errors.map(isInputFault);

  // Assess
  assert.deepEqual(faults, [true, true, false]);
});
