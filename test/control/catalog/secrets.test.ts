import { test } from 'vitest';
import assert from 'node:assert/strict';
import { SecretInRecordError } from '../../../control/catalog/errors.js';
import { findSecrets } from '../../../control/catalog/secrets.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import type { ExecutionPatch, JobPatch, NewJob } from '../../../control/catalog/types.js';
import { ErrorCode } from '../../../vault/errors.js';
import { executionInput, freshCatalog, jobInput } from './table.js';

const { catalog } = await freshCatalog();

function refusedAt(...paths: string[]) {
  return (error: unknown) => error instanceof SecretInRecordError && error.code === ErrorCode.InvalidInput && assert.deepEqual(error.paths, paths) === undefined;
}

test('findSecrets finds secret field names at any depth and URLs with credentials, not ARNs', () => {
  assert.deepEqual(
    findSecrets({
      source: { type: 'postgres', secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x', connection_string: 'postgres://h/db' },
      destination: { targets: [{ Password: 'x' }, { url: 'postgresql://user:pass@localhost:5432/db' }] },
      notes: 'https://example.com/docs',
      apiKey: null,
    }),
    ['source.connection_string', 'destination.targets.0.Password', 'destination.targets.1.url'],
  );
  assert.deepEqual(findSecrets({ key_id: 'alias/haven', secret_arn: 'arn:…', tokens_used: 3 }), []);
});

test('createJob refuses the seed request as written: a connection string in the source', async () => {
  const seedSource = { type: 'database', connection_string: 'postgresql://user:pass@localhost:5432/delivery_db', tables: ['users'] };
  await assert.rejects(catalog.createJob(jobInput({ job_id: 'job_leaky', source: seedSource })), refusedAt('source.connection_string'));
  assert.equal(await catalog.findJob('job_leaky'), undefined);
});

test('createJob refuses a password anywhere, even under another name in a URL', async () => {
  const input: NewJob = jobInput({ destination: { type: 'vault', uri: 's3://vault', credentials: { access: 'x' } } });
  await assert.rejects(catalog.createJob(input), refusedAt('destination.credentials'));
  await assert.rejects(catalog.createJob(jobInput({ description: 'mysql://root:hunter2@db/prod' })), refusedAt('description'));
});

test('updateJob refuses secrets in a patch and leaves the job unchanged', async () => {
  const job = await catalog.createJob(jobInput());
  const patch = { source: { type: 'postgres', password: 'hunter2' } } as JobPatch;
  await assert.rejects(catalog.updateJob(job.job_id, patch), refusedAt('source.password'));
  assert.deepEqual((await catalog.getJob(job.job_id)).source, job.source);
});

test('executions refuse secrets in custom parameters and in transition patches', async () => {
  await assert.rejects(catalog.createExecution(executionInput('job_s', { custom_parameters: { secret: 'abc' } })), refusedAt('custom_parameters.secret'));
  const record = await catalog.createExecution(executionInput('job_s'));
  const patch = { error: { code: 'BackupFailed', message: 'connect to postgres://admin:pw@db failed' } } as ExecutionPatch;
  await assert.rejects(catalog.transition(record.execution_id, RecordStatus.Failed, patch), refusedAt('error.message'));
  assert.equal((await catalog.getExecution(record.execution_id)).status, RecordStatus.Queued);
});

test('restores refuse the seed restore request as written', async () => {
  const request = {
    restore_name: 'Emergency Database Restore',
    backup_id: 'backup_01hx0000000000000000000000',
    source: { type: 'database', connection_string: 'postgresql://user:pass@localhost:5432/delivery_db_restore' },
    destination: { type: 'database', connection_string: 'postgresql://user:pass@localhost:5432/delivery_db', overwrite_existing: true },
    created_by: 'admin_123456789',
  };
  await assert.rejects(catalog.restores.create(request), refusedAt('source.connection_string', 'destination.connection_string'));
});
