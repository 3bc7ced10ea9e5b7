import { test } from 'vitest';
import assert from 'node:assert/strict';
import { AlreadyExistsError, InvalidRecordError, InvalidTransitionError, NotFoundError } from '../../../control/catalog/errors.js';
import { RecordStatus } from '../../../control/catalog/status.js';
import type { NewRestore, NewVerification } from '../../../control/catalog/types.js';
import { executionInput, freshCatalog } from './table.js';

/** A catalog on a fresh table holding two queued executions of one job: `execution` and the backup `otherBackup`. */
async function twoExecutions() {
  const { catalog, clock } = await freshCatalog();
  const execution = await catalog.createExecution(executionInput('job_records'));
  const otherBackup = (await catalog.createExecution(executionInput('job_records'))).backup_id;
  return { catalog, clock, execution, otherBackup };
}

function restoreInput(backupId: string, overrides: Partial<NewRestore> = {}): NewRestore {
  return {
    restore_name: 'Emergency restore',
    backup_id: backupId,
    destination: { type: 'postgresql', database: 'orders_restored', secret_arn: 'arn:aws:secretsmanager:us-east-1:1:secret:x' },
    restore_options: { verify_after_restore: true },
    created_by: 'admin_1',
    ...overrides,
  };
}

function verificationInput(backupId: string, overrides: Partial<NewVerification> = {}): NewVerification {
  return { backup_id: backupId, verification_type: 'full', checksum_verification: true, integrity_check: true, test_restore: false, ...overrides };
}

test('an execution is a backup: backup_id shares the execution ulid and getBackup finds it', async () => {
  // Prepare
  const { catalog, execution } = await twoExecutions();

  // Act
  const backup = await catalog.getBackup(execution.backup_id);

  // Assess
  assert.match(execution.execution_id, /^exec_[0-9a-z]{26}$/);
  assert.equal(execution.backup_id, execution.execution_id.replace('exec_', 'backup_'));
  assert.deepEqual(backup, execution);
});

test('getBackup of an unknown backup id, or of an execution id, is NotFoundError', async () => {
  // Prepare
  const { catalog, execution } = await twoExecutions();

  // Act
  const unknown = () => catalog.getBackup('backup_nope');
  const byExecutionId = () => catalog.getBackup(execution.execution_id);

  // Assess
  await assert.rejects(unknown, (e: unknown) => e instanceof NotFoundError && e.kind === 'backup' && e.id === 'backup_nope');
  await assert.rejects(byExecutionId, NotFoundError, 'an execution id is not a backup id');
});

test('a new execution is queued with empty results', async () => {
  // Prepare
  const { catalog, clock } = await freshCatalog();

  // Act
  const execution = await catalog.createExecution(executionInput('job_records'));

  // Assess
  assert.equal(execution.status, RecordStatus.Queued);
  assert.equal(execution.progress, 0);
  assert.equal(execution.result, null);
  assert.equal(execution.completed_at, null);
  assert.equal(execution.started_at, clock.now().toISOString());
});

test('a new execution never overwrites another', async () => {
  // Prepare
  const { catalog, execution } = await twoExecutions();

  // Act
  const again = () => catalog.createExecution(executionInput('job_records', { execution_id: execution.execution_id }));

  // Assess
  await assert.rejects(again, AlreadyExistsError);
});

test('a new execution with a malformed id, or not queued, is InvalidRecordError', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const wrongPrefix = () => catalog.createExecution(executionInput('job_records', { execution_id: 'job_wrongprefix' }));
  const completed = () => catalog.createExecution(executionInput('job_records', { status: RecordStatus.Completed as 'queued' }));

  // Assess
  await assert.rejects(wrongPrefix, InvalidRecordError);
  await assert.rejects(completed, InvalidRecordError);
});

/** A catalog on a fresh table holding one completed backup. */
async function completedBackup() {
  const { catalog, clock } = await freshCatalog();
  const record = await catalog.createExecution(executionInput('job_records'));
  await catalog.transition(record.execution_id, RecordStatus.Running);
  await catalog.transition(record.execution_id, RecordStatus.Completed);
  return { catalog, clock, record };
}

test('annotations change a completed backup: verification, retention, lock', async () => {
  // Prepare
  const { catalog, clock, record: completed } = await completedBackup();
  const verification = { status: 'passed' as const, checksum_verified: true, integrity_verified: true, test_restore_verified: false, verified_at: clock.now().toISOString() };

  // Act
  const record = await catalog.executions.annotate(completed.execution_id, { verification, locked: true, retention_until: '2025-01-15T00:00:00.000Z' });

  // Assess
  assert.deepEqual(record.verification, verification);
  assert.equal(record.locked, true);
  assert.equal(record.status, RecordStatus.Completed);
});

test('an annotation cannot change a backup\'s status', async () => {
  // Prepare
  const { catalog, record } = await completedBackup();

  // Act
  const annotate = () => catalog.executions.annotate(record.execution_id, { status: 'failed' } as object);

  // Assess
  await assert.rejects(annotate, InvalidRecordError);
});

test('annotating a missing execution is NotFoundError', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const annotate = () => catalog.executions.annotate('exec_absent', { locked: true });

  // Assess
  await assert.rejects(annotate, NotFoundError);
});

test('a restore is created queued, not yet started, and read back as stored', async () => {
  // Prepare
  const { catalog, clock, execution } = await twoExecutions();

  // Act
  const restore = await catalog.restores.create(restoreInput(execution.backup_id));

  // Assess
  assert.match(restore.restore_id, /^restore_[0-9a-z]{26}$/);
  assert.equal(restore.status, RecordStatus.Queued);
  assert.equal(restore.started_at, null);
  assert.equal(restore.created_at, clock.now().toISOString());
  assert.deepEqual(await catalog.restores.get(restore.restore_id), restore);
});

test('a restore\'s started_at is set when it starts running', async () => {
  // Prepare
  const { catalog, clock, execution } = await twoExecutions();
  const restore = await catalog.restores.create(restoreInput(execution.backup_id));
  clock.advance(30);

  // Act
  const running = await catalog.restores.transition(restore.restore_id, RecordStatus.Running, { phase: 'reading' });

  // Assess
  assert.equal(running.started_at, clock.now().toISOString());
});

/** A catalog holding a restore that started running 30 seconds after it was created and is half done. */
async function runningRestore() {
  const { catalog, clock, execution } = await twoExecutions();
  const restore = await catalog.restores.create(restoreInput(execution.backup_id));
  clock.advance(30);
  await catalog.restores.transition(restore.restore_id, RecordStatus.Running, { phase: 'reading' });
  await catalog.restores.updateProgress(restore.restore_id, { progress: 50 });
  return { catalog, clock, restore };
}

test('a completed restore holds its result and its duration from when it started', async () => {
  // Prepare
  const { catalog, clock, restore } = await runningRestore();
  clock.advance(300);
  const result = { tables_restored: 1, records_restored: 1000, data_size: 4096, restored_at: clock.now().toISOString() };

  // Act
  const done = await catalog.restores.transition(restore.restore_id, RecordStatus.Completed, { result });

  // Assess
  assert.equal(done.duration, 300);
  assert.deepEqual(done.result, result);
});

test('a completed restore cannot run again', async () => {
  // Prepare
  const { catalog, clock, restore } = await runningRestore();
  clock.advance(300);
  const result = { tables_restored: 1, records_restored: 1000, data_size: 4096, restored_at: clock.now().toISOString() };
  await catalog.restores.transition(restore.restore_id, RecordStatus.Completed, { result });

  // Act
  const rerun = () => catalog.restores.transition(restore.restore_id, RecordStatus.Running);

  // Assess
  await assert.rejects(rerun, InvalidTransitionError);
});

test('a queued restore cancelled never started', async () => {
  // Prepare
  const { catalog, execution } = await twoExecutions();
  const restore = await catalog.restores.create(restoreInput(execution.backup_id));

  // Act
  const cancelled = await catalog.restores.transition(restore.restore_id, RecordStatus.Cancelled);

  // Assess
  assert.equal(cancelled.started_at, null);
  assert.equal(cancelled.duration, null);
  assert.ok(cancelled.completed_at);
});

test('a restore needs a backup id', async () => {
  // Prepare
  const { catalog } = await freshCatalog();

  // Act
  const create = () => catalog.restores.create(restoreInput('exec_notabackup'));

  // Assess
  await assert.rejects(create, InvalidRecordError);
});

/** Five restores, three of `execution`'s backup and two of `otherBackup`; the first one failed. */
async function fiveRestores() {
  const { catalog, execution, otherBackup } = await twoExecutions();
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await catalog.restores.create(restoreInput(i < 3 ? execution.backup_id : otherBackup)));
  await catalog.restores.transition(made[0]!.restore_id, RecordStatus.Failed);
  return { catalog, execution, made };
}

test('restores list by backup (gsi2)', async () => {
  // Prepare
  const { catalog, execution, made } = await fiveRestores();

  // Act
  const forBackup = await catalog.restores.list({ backup_id: execution.backup_id, limit: 2, offset: 0 });

  // Assess
  assert.equal(forBackup.total, 3);
  assert.deepEqual(forBackup.items.map((r) => r.restore_id), [made[2]!.restore_id, made[1]!.restore_id]);
});

test('restores list by status', async () => {
  // Prepare
  const { catalog, made } = await fiveRestores();

  // Act
  const failed = await catalog.restores.list({ status: RecordStatus.Failed });

  // Assess
  assert.deepEqual(failed.items.map((r) => r.restore_id), [made[0]!.restore_id]);
});

test('a verification is created running', async () => {
  // Prepare
  const { catalog, execution } = await twoExecutions();

  // Act
  const v = await catalog.verifications.create(verificationInput(execution.backup_id, { status: RecordStatus.Running }));

  // Assess
  assert.match(v.verification_id, /^verify_[0-9a-z]{26}$/);
  assert.equal(v.status, RecordStatus.Running);
});

test('a completed verification holds its result at progress 100', async () => {
  // Prepare
  const { catalog, execution } = await twoExecutions();
  const v = await catalog.verifications.create(verificationInput(execution.backup_id, { status: RecordStatus.Running }));
  await catalog.verifications.updateProgress(v.verification_id, { progress: 40, phase: 'reading packs' });
  const result = { checksum_verified: true, integrity_verified: true, test_restore_verified: false, issues: [] };

  // Act
  const done = await catalog.verifications.transition(v.verification_id, RecordStatus.Completed, { result });

  // Assess
  assert.deepEqual(done.result, result);
  assert.equal(done.progress, 100);
});

/** Three verifications: a full one of `execution`'s backup, then a quick one of it, then a full one of `otherBackup`. */
async function threeVerifications() {
  const { catalog, execution, otherBackup } = await twoExecutions();
  const full = await catalog.verifications.create(verificationInput(execution.backup_id, { status: RecordStatus.Running }));
  const quick = await catalog.verifications.create(verificationInput(execution.backup_id, { verification_type: 'quick' }));
  await catalog.verifications.create(verificationInput(otherBackup));
  return { catalog, execution, full, quick };
}

test('verifications list by backup, newest first', async () => {
  // Prepare
  const { catalog, execution, full, quick } = await threeVerifications();

  // Act
  const listed = await catalog.verifications.list({ backup_id: execution.backup_id });

  // Assess
  assert.deepEqual(listed.items.map((x) => x.verification_id), [quick.verification_id, full.verification_id]);
});

test('verifications list by type', async () => {
  // Prepare
  const { catalog, quick } = await threeVerifications();

  // Act
  const listed = await catalog.verifications.list({ verification_type: 'quick' });

  // Assess
  assert.deepEqual(listed.items.map((x) => x.verification_id), [quick.verification_id]);
});

test('verifications list with their total on request', async () => {
  // Prepare
  const { catalog } = await threeVerifications();

  // Act
  const listed = await catalog.verifications.list({ with_total: true });

  // Assess
  assert.equal(listed.total, 3);
});
