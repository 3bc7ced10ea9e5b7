/**
 * Forget, deleteBackup and S3 Object Lock against moto. Moto supports
 * Object Lock buckets, PutObjectRetention and the retention headers of
 * HeadObject (it has no GetObjectRetention), which is what the engine uses.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { NotFoundError } from '../../engine/catalog/errors.js';
import { RecordStatus } from '../../engine/catalog/status.js';
import { ErrorCode } from '../../engine/errors.js';
import { packKey } from '../../engine/pack/pack-builder.js';
import { deleteBackup } from '../../engine/retention/delete-backup.js';
import { BackupInProgressError, BackupLockedError } from '../../engine/retention/errors.js';
import { planRetention } from '../../engine/retention/forget.js';
import { LocalStack } from '../../local/stack/local-stack.js';
import { backup, createJob, packExists, packsOf, putRandom, sourceBucket } from './prune-support.js';

const DAY = 86_400_000;

describe('retention with S3 Object Lock (governance)', () => {
  let stack: LocalStack;
  let bucket: string;
  before(async () => {
    bucket = await sourceBucket();
    stack = await LocalStack.create({ objectLock: { mode: 'GOVERNANCE' } });
  });

  test('kept backups are locked to cover the policy, deleting them is a Conflict, and prune skips locked packs', async () => {
    const locker = stack.deps.objectLock!;
    await putRandom(bucket, ['lock/a']);
    const job = await createJob(stack, bucket, 'lock/', { keep_last: 1, daily: 3 });
    const first = await backup(stack, job);
    const firstPacks = await packsOf(stack, first);
    await putRandom(bucket, ['lock/a']);
    const second = await backup(stack, job);

    const dry = await planRetention(stack.deps, job);
    assert.deepEqual(dry.forget.map((f) => f.backup_id), [first.backup_id]);
    assert.deepEqual(dry.keep.map((k) => k.backup_id), [second.backup_id]);
    assert.equal(dry.keep[0]!.keep_until, new Date(Date.parse(second.started_at) + 3 * DAY).toISOString());

    const run = await stack.runner.run('prune', { grace_seconds: 0 });
    assert.equal(run.status, 'SUCCEEDED', `${run.error}: ${run.cause}`);
    const kept = await stack.catalog.getBackup(second.backup_id);
    assert.equal(kept.retention_until, dry.keep[0]!.keep_until);
    const snapshotLock = await locker.retention(`snapshots/${second.result!.snapshot_id}`);
    assert.equal(snapshotLock?.mode, 'GOVERNANCE');
    assert.equal(snapshotLock?.until.toISOString().slice(0, 19), kept.retention_until!.slice(0, 19));
    for (const id of (await packsOf(stack, second)).keys()) {
      const lock = await locker.retention(packKey(id));
      assert.ok(lock && lock.until.getTime() >= Date.parse(kept.retention_until!) - 1000, `pack ${id} locked as long as its backup`);
    }
    for (const id of firstPacks.keys()) assert.ok(!(await packExists(stack, id)), 'the forgotten backup\'s packs are freed');

    await assert.rejects(deleteBackup(stack.deps, second.backup_id), (error: unknown) => error instanceof BackupLockedError && error.code === ErrorCode.Conflict);

    // A backup deleted through the API while one of its packs is locked by hand: prune leaves that pack.
    await putRandom(bucket, ['lock/a']);
    const third = await backup(stack, job);
    const thirdPacks = [...(await packsOf(stack, third)).keys()];
    const deleted = await deleteBackup(stack.deps, third.backup_id);
    assert.equal(deleted.deleted_by, 'api');
    assert.ok(deleted.deleted_at);
    assert.equal((await deleteBackup(stack.deps, third.backup_id)).deleted_at, deleted.deleted_at, 'deleting again changes nothing');
    await locker.extend(packKey(thirdPacks[0]!), new Date(Date.now() + DAY));
    const again = await stack.runner.run('prune', { grace_seconds: 0 });
    assert.equal(again.status, 'SUCCEEDED', `${again.error}: ${again.cause}`);
    assert.ok(await packExists(stack, thirdPacks[0]!), 'a locked pack is skipped');
    assert.ok((again.output as { prune: { packs_untouchable: number } }).prune.packs_untouchable >= 1);
  });

  test('a snapshot under Object Lock cannot be deleted even when the catalog does not say so', async () => {
    await putRandom(bucket, ['lock2/a']);
    const job = await createJob(stack, bucket, 'lock2/', {});
    const record = await backup(stack, job);
    await stack.deps.objectLock!.extend(`snapshots/${record.result!.snapshot_id}`, new Date(Date.now() + DAY));
    await assert.rejects(deleteBackup(stack.deps, record.backup_id), (error: unknown) => error instanceof BackupLockedError && /Object Lock/.test(error.message));
    assert.equal((await stack.catalog.getBackup(record.backup_id)).deleted_at ?? null, null);
  });

  test('unknown, running and catalog-locked backups', async () => {
    await assert.rejects(deleteBackup(stack.deps, 'backup_01ARZ3NDEKTSV4RRFFQ69G5FAV'), (error: unknown) => error instanceof NotFoundError && error.code === ErrorCode.NotFound);
    const job = await createJob(stack, bucket, 'lock3/', {});
    const queued = await stack.catalog.executions.create({ job_id: job, job_name: 'j', backup_type: 'full', trigger: 'manual' });
    await assert.rejects(deleteBackup(stack.deps, queued.backup_id), (error: unknown) => error instanceof BackupInProgressError && error.code === ErrorCode.Conflict);
    await stack.catalog.executions.transition(queued.execution_id, RecordStatus.Running);
    await stack.catalog.executions.transition(queued.execution_id, RecordStatus.Completed, { locked: true });
    await assert.rejects(deleteBackup(stack.deps, queued.backup_id), (error: unknown) => error instanceof BackupLockedError && error.reason === 'locked');
    await stack.catalog.executions.annotate(queued.execution_id, { locked: false, retention_until: new Date(Date.now() + DAY).toISOString() });
    await assert.rejects(deleteBackup(stack.deps, queued.backup_id), (error: unknown) => error instanceof BackupLockedError && error.reason === 'retention_until');
    await stack.catalog.executions.annotate(queued.execution_id, { retention_until: new Date(Date.now() - DAY).toISOString() });
    assert.ok((await deleteBackup(stack.deps, queued.backup_id)).deleted_at, 'a past retention date no longer locks');
  });
});
