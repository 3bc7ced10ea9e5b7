import { test } from 'vitest';
import assert from 'node:assert/strict';
import { SecretInRecordError } from '../../../control/catalog/errors.js';
import { findSecrets } from '../../../control/catalog/secrets.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import type { ExecutionPatch, JobPatch, NewJob } from '../../../control/catalog/types.js';
import { ErrorCode } from '../../../vault/errors.js';
import { executionInput, freshCatalog, jobInput } from './table.js';

function refusedAt(...paths: string[]) {
  return (error: unknown) => error instanceof SecretInRecordError && error.code === ErrorCode.InvalidInput && assert.deepEqual(error.paths, paths) === undefined;
}

test('findSecrets finds secret field names at any depth and URLs with credentials, not ARNs', () => {
  // Prepare
  const record = {
    source: { type: 'postgres', secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', connection_string: 'postgres://h/db' },
    destination: { targets: [{ Password: 'x' }, { url: 'postgresql://user:pass@localhost:5432/db' }] },
    notes: 'https://example.com/docs',
    apiKey: null,
  };

  // Act
  const found = findSecrets(record);

  // Assess
  assert.deepEqual(found, ['source.connection_string', 'destination.targets.0.Password', 'destination.targets.1.url']);
});

test('findSecrets passes key ids, secret ARNs and names that only contain a secret word', () => {
  // Prepare
  const record = { key_id: 'alias/haven', secret_arn: 'arn:…', tokens_used: 3 };

  // Act
  const found = findSecrets(record);

  // Assess
  assert.deepEqual(found, []);
});

test('createJob refuses the seed request as written: a connection string in the source', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const seedSource = { type: 'database', connection_string: 'postgresql://user:pass@localhost:5432/delivery_db', tables: ['users'] };

  // Act
  // The seed's source is no source configuration Haven types: cast, as a caller bypassing the API could send it.
  const create = () => catalog.createJob(jobInput({ job_id: 'job_leaky', source: seedSource as never }));

  // Assess
  await assert.rejects(create, refusedAt('source.connection_string'));
  assert.equal(await catalog.findJob('job_leaky'), undefined);
});

test('createJob refuses a password anywhere, even under another name in a URL', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const input: NewJob = jobInput({ destination: { type: 'vault', uri: 's3://vault', credentials: { access: 'x' } } });

  // Act
  const withCredentials = () => catalog.createJob(input);
  const withUrl = () => catalog.createJob(jobInput({ description: 'mysql://root:hunter2@db/prod' }));

  // Assess
  await assert.rejects(withCredentials, refusedAt('destination.credentials'));
  await assert.rejects(withUrl, refusedAt('description'));
});

test('updateJob refuses secrets in a patch and leaves the job unchanged', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const job = await catalog.createJob(jobInput());
  const patch = { source: { type: 'postgres', password: 'hunter2' } } as unknown as JobPatch;

  // Act
  const update = () => catalog.updateJob(job.job_id, patch);

  // Assess
  await assert.rejects(update, refusedAt('source.password'));
  assert.deepEqual((await catalog.getJob(job.job_id)).source, job.source);
});

test('executions refuse secrets in custom parameters', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const create = () => catalog.createExecution(executionInput('job_s', { custom_parameters: { secret: 'abc' } }));

  // Assess
  await assert.rejects(create, refusedAt('custom_parameters.secret'));
});

test('executions refuse secrets in transition patches and keep their status', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const record = await catalog.createExecution(executionInput('job_s'));
  const patch = { error: { code: 'BackupFailed', message: 'connect to postgres://admin:pw@db failed' } } as ExecutionPatch;

  // Act
  const transition = () => catalog.transition(record.execution_id, RecordStatus.Failed, patch);

  // Assess
  await assert.rejects(transition, refusedAt('error.message'));
  assert.equal((await catalog.getExecution(record.execution_id)).status, RecordStatus.Queued);
});

test('restores refuse the seed restore request as written', async () => {
  // Prepare
  const { catalog } = await freshCatalog();
  const request = {
    restore_name: 'Emergency Database Restore',
    backup_id: 'backup_01hx0000000000000000000000',
    source: { type: 'database', connection_string: 'postgresql://user:pass@localhost:5432/delivery_db_restore' },
    destination: { type: 'database', connection_string: 'postgresql://user:pass@localhost:5432/delivery_db', overwrite_existing: true },
    created_by: 'admin_123456789',
  };

  // Act
  const create = () => catalog.restores.create(request as never);

  // Assess
  await assert.rejects(create, refusedAt('source.connection_string', 'destination.connection_string'));
});
