import { test } from 'vitest';
import assert from 'node:assert/strict';
import { AlreadyExistsError, InvalidRecordError, InvalidTransitionError, NotFoundError } from '../../../control/catalog/errors.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import type { NewRestore, NewVerification } from '../../../control/catalog/types.js';
import { executionInput, freshCatalog } from './table.js';

const { catalog, clock } = await freshCatalog();

const execution = await catalog.createExecution(executionInput('job_records'));
const otherBackup = (await catalog.createExecution(executionInput('job_records'))).backup_id;

function restoreInput(overrides: Partial<NewRestore> = {}): NewRestore {
  return {
    restore_name: 'Emergency restore',
    backup_id: execution.backup_id,
    destination: { type: 'dynamodb', table: 'orders-restored', secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x' },
    restore_options: { verify_after_restore: true },
    created_by: 'admin_1',
    ...overrides,
  };
}

function verificationInput(overrides: Partial<NewVerification> = {}): NewVerification {
  return { backup_id: execution.backup_id, verification_type: 'full', checksum_verification: true, integrity_check: true, test_restore: false, ...overrides };
}

test('an execution is a backup: backup_id shares the execution ulid and getBackup finds it', async () => {
  assert.match(execution.execution_id, /^exec_[0-9a-z]{26}$/);
  assert.equal(execution.backup_id, execution.execution_id.replace('exec_', 'backup_'));
  assert.deepEqual(await catalog.getBackup(execution.backup_id), execution);
  await assert.rejects(catalog.getBackup('backup_nope'), (e: unknown) => e instanceof NotFoundError && e.kind === 'backup' && e.id === 'backup_nope');
  await assert.rejects(catalog.getBackup(execution.execution_id), NotFoundError, 'an execution id is not a backup id');
});

test('a new execution is queued with empty results, and never overwrites another', async () => {
  assert.equal(execution.status, RecordStatus.Queued);
  assert.equal(execution.progress, 0);
  assert.equal(execution.result, null);
  assert.equal(execution.completed_at, null);
  assert.equal(execution.started_at, clock.now().toISOString());
  await assert.rejects(catalog.createExecution(executionInput('job_records', { execution_id: execution.execution_id })), AlreadyExistsError);
  await assert.rejects(catalog.createExecution(executionInput('job_records', { execution_id: 'job_wrongprefix' })), InvalidRecordError);
  await assert.rejects(catalog.createExecution(executionInput('job_records', { status: RecordStatus.Completed as 'queued' })), InvalidRecordError);
});

test('annotations change a completed backup: verification, retention, lock', async () => {
  let record = await catalog.createExecution(executionInput('job_records'));
  await catalog.transition(record.execution_id, RecordStatus.Running);
  await catalog.transition(record.execution_id, RecordStatus.Completed);
  const verification = { status: 'passed' as const, checksum_verified: true, integrity_verified: true, test_restore_verified: false, verified_at: clock.now().toISOString() };
  record = await catalog.executions.annotate(record.execution_id, { verification, locked: true, retention_until: '2025-01-15T00:00:00.000Z' });
  assert.deepEqual(record.verification, verification);
  assert.equal(record.locked, true);
  assert.equal(record.status, RecordStatus.Completed);
  await assert.rejects(catalog.executions.annotate(record.execution_id, { status: 'failed' } as object), InvalidRecordError);
  await assert.rejects(catalog.executions.annotate('exec_absent', { locked: true }), NotFoundError);
});

test('a restore is created queued; started_at is set when it starts running, duration when it ends', async () => {
  const restore = await catalog.restores.create(restoreInput());
  assert.match(restore.restore_id, /^restore_[0-9a-z]{26}$/);
  assert.equal(restore.status, RecordStatus.Queued);
  assert.equal(restore.started_at, null);
  assert.equal(restore.created_at, clock.now().toISOString());
  assert.deepEqual(await catalog.restores.get(restore.restore_id), restore);
  clock.advance(30);
  const running = await catalog.restores.transition(restore.restore_id, RecordStatus.Running, { phase: 'reading' });
  assert.equal(running.started_at, clock.now().toISOString());
  await catalog.restores.updateProgress(restore.restore_id, { progress: 50 });
  clock.advance(300);
  const result = { tables_restored: 1, records_restored: 1000, data_size: 4096, restored_at: clock.now().toISOString() };
  const done = await catalog.restores.transition(restore.restore_id, RecordStatus.Completed, { result });
  assert.equal(done.duration, 300);
  assert.deepEqual(done.result, result);
  await assert.rejects(catalog.restores.transition(restore.restore_id, RecordStatus.Running), InvalidTransitionError);
});

test('a queued restore cancelled never started', async () => {
  const restore = await catalog.restores.create(restoreInput());
  const cancelled = await catalog.restores.transition(restore.restore_id, RecordStatus.Cancelled);
  assert.equal(cancelled.started_at, null);
  assert.equal(cancelled.duration, null);
  assert.ok(cancelled.completed_at);
});

test('a restore needs a backup id', async () => {
  await assert.rejects(catalog.restores.create(restoreInput({ backup_id: 'exec_notabackup' })), InvalidRecordError);
});

test('restores list by backup (gsi2) and by status', async () => {
  const { catalog: own } = await freshCatalog();
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await own.restores.create(restoreInput({ backup_id: i < 3 ? execution.backup_id : otherBackup })));
  await own.restores.transition(made[0]!.restore_id, RecordStatus.Failed);
  const forBackup = await own.restores.list({ backup_id: execution.backup_id, limit: 2, offset: 0 });
  assert.equal(forBackup.total, 3);
  assert.deepEqual(forBackup.items.map((r) => r.restore_id), [made[2]!.restore_id, made[1]!.restore_id]);
  const failed = await own.restores.list({ status: RecordStatus.Failed });
  assert.deepEqual(failed.items.map((r) => r.restore_id), [made[0]!.restore_id]);
});

test('verifications: create running, progress, complete; list by backup and type', async () => {
  const { catalog: own } = await freshCatalog();
  const v = await own.verifications.create(verificationInput({ status: RecordStatus.Running }));
  assert.match(v.verification_id, /^verify_[0-9a-z]{26}$/);
  assert.equal(v.status, RecordStatus.Running);
  await own.verifications.updateProgress(v.verification_id, { progress: 40, phase: 'reading packs' });
  const result = { checksum_verified: true, integrity_verified: true, test_restore_verified: false, issues: [] };
  const done = await own.verifications.transition(v.verification_id, RecordStatus.Completed, { result });
  assert.deepEqual(done.result, result);
  assert.equal(done.progress, 100);
  const quick = await own.verifications.create(verificationInput({ verification_type: 'quick' }));
  await own.verifications.create(verificationInput({ backup_id: otherBackup }));
  assert.deepEqual((await own.verifications.list({ backup_id: execution.backup_id })).items.map((x) => x.verification_id), [quick.verification_id, v.verification_id]);
  assert.deepEqual((await own.verifications.list({ verification_type: 'quick' })).items.map((x) => x.verification_id), [quick.verification_id]);
  assert.equal((await own.verifications.list({ with_total: true })).total, 3);
});
